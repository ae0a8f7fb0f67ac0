using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Review;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The governance loop through the CLI and the reviewer HTTP endpoints (models.md v2, cli.md v2): the register
/// in storage with four eyes, model quality from the coordinator's outcomes, and runs replay.</summary>
public sealed class GovernanceTests
{
    static HttpClient Reviewer(ProgramProcess program, string name) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = program.BaseAddress,
            DefaultRequestHeaders = { { "X-MS-CLIENT-PRINCIPAL", Principal.Encode(name, Principal.DpiaReviewer) } },
        };

    static async Task<string> TokenAsync(HttpClient http) =>
        Regex.Match(await http.GetStringAsync("/review/dpia"), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    [Fact]
    public async Task A_version_proposed_on_the_command_line_needs_another_reviewer_and_governs_the_next_run()
    {
        using var p = new PipelineUnderTest();
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-02")).Code);
        var show = await p.Cli("dpia", "show");
        Assert.True(show.Code == 0, show.Err);
        Assert.Contains("in force: demo-2026.2#1 (stored version 1, approved by installatie", show.Out);
        Assert.Matches(@"OVB 2\.0\.0 approved; approved by .*; code [0-9a-f]{12} = this build", show.Out);

        var file = Path.Combine(p.Dir.Path, "proposal.json");
        await File.WriteAllTextAsync(file, Regex.Replace(await File.ReadAllTextAsync(TestData.RegisterPath),
            @"(""id"": ""CTL"",\s*""version"": ""1.0.0"",\s*""status"": )""experimental""", "$1\"approved\""));
        var proposed = await p.Cli("dpia", "propose", file, "--note", "steekproef aan");
        Assert.True(proposed.Code == 0, proposed.Err);
        Assert.Contains("proposed register version 2", proposed.Out);
        Assert.Equal(1, (await p.Cli("dpia", "propose", Path.Combine(p.Dir.Path, "nope.json"))).Code); // a missing file is a usage error

        using var program = new ProgramProcess(p.Settings);
        using (var self = Reviewer(program, Environment.UserName))
        {
            var token = await TokenAsync(self);
            var refused = await self.PostAsync("/review/dpia/versions/2/besluit", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("decision", "approve")]));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("four eyes", await refused.Content.ReadAsStringAsync());
        }
        // Not yet approved: the next run still runs the control sample in shadow.
        var before = await p.Cli("nightly", "--date", "2026-11-03");
        Assert.Contains("model CTL 1.0.0: shadow", before.Out);
        using (var other = Reviewer(program, "dpia-reviewer-2"))
        {
            var token = await TokenAsync(other);
            var approved = await other.PostAsync("/review/dpia/versions/2/besluit", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("decision", "approve"), new("note", "akkoord")]));
            Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        }
        var after = await p.Cli("nightly", "--date", "2026-11-04");
        Assert.Contains("model CTL 1.0.0: ran; new 3", after.Out);
        Assert.Contains("register demo-2026.2#2", after.Out);
        var versions = (await p.Cli("dpia", "show")).Out;
        Assert.Contains($"2 demo-2026.2 approved; proposed by {Environment.UserName}", versions);
        Assert.Contains("approved by dpia-reviewer-2", versions);

        // The emergency brake from the command line: one person, at once, refused for an unknown model.
        Assert.Equal(3, (await p.Cli("dpia", "suspend", "XYZ", "--reason", "bestaat niet in het register")).Code);
        var suspend = await p.Cli("dpia", "suspend", "NWF", "--reason", "Zorginstellingen niet goed uitgesloten");
        Assert.True(suspend.Code == 0, suspend.Err);
        Assert.Contains("model NWF 2.0.0: refused — model NWF is suspended in the DPIA register", (await p.Cli("nightly", "--date", "2026-11-05")).Out);

        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var actions = (await new AuditLog(storage).ReadAllAsync()).Select(a => a.Action).ToList();
        foreach (var action in new[] { "dpia-install", "dpia-propose", "dpia-refused", "dpia-approve", "dpia-suspend" }) Assert.Contains(action, actions);
    }

    [Fact]
    public async Task An_admin_sets_a_new_checklist_version_and_a_broken_one_is_refused()
    {
        using var p = new PipelineUnderTest();
        var shown = await p.Cli("checklist", "show");
        Assert.True(shown.Code == 0, shown.Err);
        Assert.Contains("checklist bijlage2-2023.1 (stored version 1)", shown.Out);
        Assert.Contains("kenmerk: Vermoeden van strafbare feiten", shown.Out);
        var packaged = Path.Combine(AppContext.BaseDirectory, "config", "checklist-bijlage2.json");
        var edited = Path.Combine(p.Dir.Path, "checklist.json");
        await File.WriteAllTextAsync(edited, (await File.ReadAllTextAsync(packaged)).Replace("bijlage2-2023.1", "bijlage2-2026.1")
            .Replace("\"indicators\": [", "\"indicators\": [\n    \"Signalen uit de wijk over drugsoverlast\","));
        var set = await p.Cli("checklist", "set", edited);
        Assert.True(set.Code == 0, set.Err);
        Assert.Contains("stored as version 2", set.Out);
        Assert.Contains("kenmerk: Signalen uit de wijk over drugsoverlast", (await p.Cli("checklist", "show")).Out);
        await File.WriteAllTextAsync(edited, "{ \"version\": ");
        var broken = await p.Cli("checklist", "set", edited);
        Assert.Equal(1, broken.Code);
        Assert.Contains("the checklist is not valid JSON", broken.Err);
        var audit = await new AuditLog(new StorageClients(p.Azurite.ConnectionString, null)).ReadAllAsync();
        Assert.Equal(2, audit.Count(a => a.Action == "checklist-set"));
    }

    [Fact]
    public async Task Models_quality_counts_outcomes_per_version_and_replay_recomputes_a_run_or_says_why_not()
    {
        using var p = new PipelineUnderTest();
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-02")).Code);
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var register = new CandidateRegister(storage);
        var ovb = (await register.ListAsync()).Where(s => s.Model == "OVB").OrderBy(s => s.SignalId).ToList();
        await register.DecideAsync(ovb[0].SignalId, ReviewState.Registered, "Doorgezet naar fase 2", "coord");
        await register.DecideAsync(ovb[1].SignalId, ReviewState.Dismissed, "Al bekend bij toezicht", "coord", outcome: Outcome.Bekend);
        await register.DecideAsync(ovb[2].SignalId, ReviewState.Dismissed, "Gezin, geen uitbuiting", "coord", outcome: Outcome.Onterecht);

        var quality = await p.Cli("models", "quality", "--format", "json");
        Assert.True(quality.Code == 0, quality.Err);
        var row = quality.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(r => r.GetProperty("model").GetString() == "OVB" && r.GetProperty("model_version").GetString() == "2.0.0");
        Assert.Equal(4, row.GetProperty("raised").GetInt32());
        Assert.Equal(3, row.GetProperty("decided").GetInt32());
        Assert.Equal(1, row.GetProperty("doorgezet").GetInt32());
        Assert.Equal(1, row.GetProperty("bekend").GetInt32());
        Assert.Equal(2, row.GetProperty("dismissed").GetInt32());
        Assert.Equal(1, row.GetProperty("taken_into_phase_2").GetInt32());
        Assert.Equal(0.3333m, row.GetProperty("precision").GetDecimal());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("lift").ValueKind); // no decided control sample yet
        var text = await p.Cli("models", "quality");
        Assert.Contains("no decided control-sample (CTL) signals yet", text.Out);
        Assert.DoesNotMatch(@"\d{9}", text.Out + quality.Out); // counts, never a person

        var runId = (await new RunStore(storage).LatestIdAsync())!;
        var same = await p.Cli("runs", "replay", runId);
        Assert.True(same.Code == 0, same.Out + same.Err);
        Assert.Contains($"identical: run {runId} recomputed from its lineage gives the same", same.Out);

        // The stored run file lost a signal (as if tampered with): replay names it.
        var runs = new RunStore(storage);
        var signals = await runs.GetSignalsAsync(runId);
        var dropped = signals.First(s => s.Signal.Model == "HHC");
        await runs.ReplaceSignalsAsync(runId, signals.Where(s => s != dropped).ToList());
        var differs = await p.Cli("runs", "replay", runId);
        Assert.Equal(1, differs.Code);
        Assert.Contains($"+ {dropped.Signal.SignalId}: new now, not in the run", differs.Out);

        // What the run needs is gone: refused with the reason.
        var bag = (await new RunStore(storage).GetAsync(runId))!.Snapshots.Single(s => s.Source == "bag");
        await storage.Container(StorageClients.Snapshots).DeleteBlobAsync($"bag/{bag.Date}/{bag.SnapshotId}/manifest.json");
        var gone = await p.Cli("runs", "replay", runId);
        Assert.Equal(3, gone.Code);
        Assert.Contains($"refused: snapshot {bag.SnapshotId} (bag) that run {runId} used was removed by the retention", gone.Err);
        Assert.Equal(3, (await p.Cli("runs", "replay", "R20990101-001")).Code);
    }
}
