using System.Text;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Snapshots;

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

    /// <summary>A build and, when accepted, its snapshot read back from the Parquet the spool writes.</summary>
    public sealed record Built(BuildResult Result, SnapshotTable? Table)
    {
        public string? RejectionReason => Result.RejectionReason;
        public IReadOnlyList<DiscardedColumn> ColumnsDiscarded => Result.ColumnsDiscarded;
        public IReadOnlyList<QuarantineEntry> Quarantine => Result.Quarantine;
        public long RowsRejected => Result.RowsRejected;
        public long RowsDuplicate => Result.RowsDuplicate;
    }

    public static async Task<Built> BuildAsync(string source, string csv, DpiaRegister? register = null, Encoding? encoding = null, string fileName = "test.csv", DateOnly? peildatum = null)
    {
        var bytes = (encoding ?? new UTF8Encoding(false)).GetBytes(csv);
        var probe = await ExtractProbe.ProbeAsync(new MemoryStream(bytes), false);
        using var p = new Pseudonymiser(PseudonymKey, "test-1");
        var builder = new SnapshotBuilder(Analysis.Extracts.SourceSchema.For(source), register ?? DemoRegister(), p,
            new IdentityEnvelope(EnvelopeKey, "test-1"), new IngestOptions { Peildatum = peildatum });
        var result = await builder.BuildAsync(new MemoryStream(bytes), fileName, probe.IsUtf8, probe.Separator);
        if (result.Spool is not { } spool) return new Built(result, null);
        await using (spool) return new Built(result, await spool.ReadTableAsync());
    }

    /// <summary>A real-format conversion through the same builder as a v1 CSV.</summary>
    public static async Task<Built> BuildAsync(string source, Analysis.Formats.Conversion conversion, DpiaRegister? register = null)
    {
        using var p = new Pseudonymiser(PseudonymKey, "test-1");
        var envelope = new IdentityEnvelope(EnvelopeKey, "test-1");
        var result = await Analysis.Formats.ConvertedSnapshot.BuildAsync(conversion,
            o => new SnapshotBuilder(Analysis.Extracts.SourceSchema.For(source), register ?? DemoRegister(), p, envelope, o), new IngestOptions(), "delivery");
        if (result.Spool is not { } spool) return new Built(result, null);
        await using (spool) return new Built(result, await spool.ReadTableAsync());
    }
}
