using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Models.Ano;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>ANO on the demo's sample extracts (the app's generator, no storage): shadow mode, and approval makes the
/// same candidates new.</summary>
public sealed class AnoShadowTests
{
    static async Task<IReadOnlyDictionary<string, LoadedSnapshot>> DemoSnapshots(Analysis.Register.DpiaRegister register)
    {
        using var dir = new TempDir();
        var snaps = new Dictionary<string, LoadedSnapshot>();
        foreach (var file in Functions.Cli.SampleExtracts.Write(dir.Path, new DateOnly(2026, 11, 23), new Functions.Cli.SampleOptions()))
        {
            var source = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!;
            var r = await TestData.BuildAsync(source, await File.ReadAllTextAsync(file), register);
            snaps[source] = new LoadedSnapshot(new SnapshotManifest { SnapshotId = source, Source = source, Date = "2026-11-23", FileName = "f", Sha256 = "00", Status = "accepted", ResidentsPerPc4 = r.Result.ResidentsPerPc4 }, r.Table!);
        }
        return snaps;
    }

    [Fact]
    public async Task Experimental_runs_in_shadow_and_approval_makes_the_same_candidates_new()
    {
        var experimental = TestData.DemoRegister();
        var snaps = await DemoSnapshots(experimental);
        RunOutcome Run(Analysis.Register.DpiaRegister r) =>
            NightlyRunner.Run(new RunInput("R", new DateOnly(2026, 11, 23), "test", ["1771"], r, snaps, null, [], ModelCatalogue.For(r)));

        var shadow = Run(experimental);
        var ano = shadow.Signals.Where(s => s.Signal.Model == "ANO").ToList();
        Assert.NotEmpty(ano);
        Assert.All(ano, s => Assert.True(s.Shadow));
        Assert.DoesNotContain(shadow.ToQueue, s => s.Signal.Model == "ANO");
        var run = shadow.Record.Models.Single(m => m.Model == "ANO");
        Assert.Equal("shadow", run.Outcome);
        Assert.Equal(64, run.Facts!["model_sha256"].Length);
        Assert.NotEmpty(shadow.Record.ShadowAreaReport);
        Assert.Contains("feature_1", ano[0].Signal.Evidence.Keys);

        var approved = TestData.RegisterWith(j => j.Replace("\"status\": \"experimental\"", "\"status\": \"approved\""));
        var live = Run(approved);
        Assert.Equal(ano.Select(s => s.Signal.SignalId), live.ToQueue.Where(s => s.Signal.Model == "ANO").Select(s => s.Signal.SignalId));
        Assert.All(live.Signals.Where(s => s.Signal.Model == "ANO"), s => Assert.Equal(RunState.New, s.State));

        // Same snapshots, same scores, same signals.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(ano), System.Text.Json.JsonSerializer.Serialize(Run(experimental).Signals.Where(s => s.Signal.Model == "ANO")));
    }
}
