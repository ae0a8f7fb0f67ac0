using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The dossier per object keeps the coordinator's notes and assignment; nothing about an object outlives the
/// last signal about it (protocol art. 12): the retention deletes its dossier and audits a count.</summary>
public sealed class DossierTests
{
    [Fact]
    public async Task A_dossier_goes_with_the_last_signal_about_its_object()
    {
        using var p = new PipelineUnderTest();
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-12")).Code);
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var dossiers = new DossierStore(storage, TimeProvider.System);
        var kept = (await new CandidateRegister(storage).ListAsync()).First(s => s.Model == "OVB").Object!;
        await dossiers.AddNoteAsync(kept, "Eigenaar verhuurt meer panden", "carla");
        await dossiers.AssignAsync(kept, "dirk", "carla");
        await dossiers.AddNoteAsync("V0000000000000000000000000000000", "Over een object zonder signaal", "carla");

        var retention = await p.Cli("retention");
        Assert.True(retention.Code == 0, retention.Err);
        var (assignee, _, _, notes) = await dossiers.GetAsync(kept);
        Assert.Equal("dirk", assignee);
        Assert.Single(notes);
        Assert.Empty((await dossiers.GetAsync("V0000000000000000000000000000000")).Notes);
        var audit = (await new AuditLog(storage).ReadAllAsync()).Single(a => a.Action == "retention-delete" && a.Detail!.Contains("dossier"));
        Assert.StartsWith("1 dossier(s)", audit.Detail);
        Assert.DoesNotContain("Over een object", audit.Detail);
    }
}
