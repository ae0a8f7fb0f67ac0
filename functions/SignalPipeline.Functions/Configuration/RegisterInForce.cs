using SignalPipeline.Analysis.Register;

namespace SignalPipeline.Functions.Configuration;

/// <summary>The DPIA register that governs now (the newest approved version with its suspensions), for the pages
/// that show it; read on every request, so an approval or a suspension shows at once.</summary>
public sealed class RegisterInForce(Func<CancellationToken, Task<DpiaRegister>> load)
{
    public Task<DpiaRegister> LoadAsync(CancellationToken ct = default) => load(ct);
}
