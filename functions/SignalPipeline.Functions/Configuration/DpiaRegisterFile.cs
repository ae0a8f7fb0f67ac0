using SignalPipeline.Analysis.Register;

namespace SignalPipeline.Functions.Configuration;

/// <summary>The DPIA register file, read on every use, so a changed register counts from the next run on (its hash is recorded).</summary>
public sealed class DpiaRegisterFile(string path)
{
    public DpiaRegister Load() => DpiaRegister.Load(path);
}
