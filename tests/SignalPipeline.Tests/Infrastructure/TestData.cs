using System.Text;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions;

namespace SignalPipeline.Tests.Infrastructure;

public static class TestData
{
    public static readonly byte[] PseudonymKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] EnvelopeKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public static string RegisterPath => Path.Combine(AppContext.BaseDirectory, "config", "dpia-register.json");
    public static DpiaRegister DemoRegister() => DpiaRegister.Load(RegisterPath);

    /// <summary>The demo register with a change applied to its JSON text (for gate tests).</summary>
    public static DpiaRegister RegisterWith(Func<string, string> edit) =>
        DpiaRegister.Parse(Encoding.UTF8.GetBytes(edit(File.ReadAllText(RegisterPath))));

    public static async Task<BuildResult> BuildAsync(string source, string csv, DpiaRegister? register = null, Encoding? encoding = null, string fileName = "test.csv")
    {
        var bytes = (encoding ?? new UTF8Encoding(false)).GetBytes(csv);
        var probe = await ExtractProbe.ProbeAsync(new MemoryStream(bytes), false);
        using var p = new Pseudonymiser(PseudonymKey, "test-1");
        var builder = new SnapshotBuilder(Analysis.Extracts.SourceSchema.For(source), register ?? DemoRegister(), p,
            new IdentityEnvelope(EnvelopeKey, "test-1"), new IngestOptions());
        return await builder.BuildAsync(new MemoryStream(bytes), fileName, probe.IsUtf8, probe.Separator);
    }
}
