using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Phase 1 of the protocol walked in headless Debian chromium (tests/browser/phase1-paths.mjs): each decision
/// path — police with the hand-off document and the recipient's feedback, another department, phase 2, stop — and the
/// dossier of an object. Its screenshots illustrate docs/coordinator-guide.md.</summary>
public sealed class Phase1BrowserTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();

    [Fact]
    public async Task A_coordinator_walks_signals_through_every_phase_1_path()
    {
        using var zgw = new ZgwFake();
        var settings = azurite.Settings(dir.Path);
        foreach (var (k, v) in zgw.Settings("VTH")) settings[k] = v;
        using var program = await DemoProgram.StartAsync(settings, "2026-11-10");
        var r = await BrowserScript.RunAsync(program, "phase1-paths.mjs");
        Assert.Equal(4, r.GetProperty("signals").GetInt32());
        Assert.Contains("naar de politie", r.GetProperty("policeRoute").GetString());
        Assert.EndsWith(".html", r.GetProperty("handoffName").GetString());
        Assert.True(r.GetProperty("handoffHasAddress").GetBoolean());
        Assert.True(r.GetProperty("handoffHasRecipient").GetBoolean());
        Assert.Equal(0, r.GetProperty("handoffPseudonyms").GetInt32()); // only what the recipient needs
        Assert.Equal(1, r.GetProperty("handoffRecorded").GetInt32());
        var feedback = r.GetProperty("feedback").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(feedback, f => f.Contains("voortgezet door politie Oost-Brabant"));
        Assert.Contains(feedback, f => f.Contains("proces beëindigd: Geen strafbare feiten vastgesteld"));
        Assert.Contains("proces beëindigd", r.GetProperty("endResult").GetString());
        Assert.Contains("Vergunningen, toezicht en handhaving", r.GetProperty("departmentRoute").GetString());
        Assert.Contains("zaak voor VTH", r.GetProperty("zaakRecorded").GetString());
        Assert.Equal(["zaken", "rollen", "zaakobjecten"], zgw.Received.Select(x => x.Resource));
        Assert.All(zgw.Received, x => Assert.True(x.Errors.Count == 0, string.Join("; ", x.Errors)));
        Assert.Equal(1, r.GetProperty("phase2Rows").GetInt32());
        Assert.StartsWith("Fase 2", r.GetProperty("phase2Heading").GetString());
        Assert.Equal("afgewezen", r.GetProperty("stopStatus").GetString());
        Assert.True(r.GetProperty("dossierSignals").GetInt32() >= 1);
        Assert.Contains("carla: Eigenaar verhuurt meer panden in de wijk", r.GetProperty("dossierNotes").GetString());
        Assert.Contains("Toegewezen aan: dirk (door carla", r.GetProperty("dossierAssignment").GetString());
        Assert.Empty(r.GetProperty("consoleMessages").EnumerateArray());

        // What the browser did is in the register: routes, the weighings with the checklist version, outcomes for quality.
        var register = new CandidateRegister(new StorageClients(azurite.ConnectionString, null));
        var ovb = (await register.ListAsync()).Where(s => s.Model == "OVB").ToList();
        var routes = ovb.Where(s => s.Phase1?.Decision is not null).Select(s => s.Phase1!.Decision!.Route).Order().ToList();
        Assert.Equal([Phase1Route.Stop, Phase1Route.Police, Phase1Route.Department, Phase1Route.Phase2], routes);
        Assert.All(ovb.Where(s => s.Phase1?.Decision?.Route is not (null or Phase1Route.Stop)), s => Assert.Equal("bijlage2-2023.1", s.Phase1!.First!.ChecklistVersion));
        var quality = ModelQuality.Compute(ovb).Single();
        Assert.Equal((4, 3), (quality.Decided, quality.Doorgezet));
        Assert.Equal(1, quality.GeenPrioriteit);
        var ended = ovb.Single(s => s.Phase1?.Decision?.Route == Phase1Route.Police);
        Assert.NotNull(ended.EndResult); // the retention year runs from here (protocol art. 12)
        var shots = Path.Combine(azurite.ProjectRoot, "artifacts", "screenshots");
        foreach (var shot in new[] { "phase1-weighings.png", "phase1-police-feedback.png", "phase1-zaak.png", "phase2-list.png", "dossier.png" })
            Assert.True(new FileInfo(Path.Combine(shots, shot)).Length > 1000, shot);
    }

    public void Dispose() => dir.Dispose();
}
