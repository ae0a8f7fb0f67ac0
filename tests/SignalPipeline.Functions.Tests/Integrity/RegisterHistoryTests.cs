using System.Text.Json;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Review;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integrity;

/// <summary>History, not overwrite: each night's distinct observation is kept, a decision stays bound to the observation
/// it was taken on, and a dismissed signal that comes back with other evidence is shown to the coordinator as returned,
/// with the earlier decision and the new evidence side by side. Also <c>signals list</c> as docs/contracts/cli.md v2 specifies.</summary>
public sealed class RegisterHistoryTests
{
    [Fact]
    public async Task Decisions_keep_their_basis_and_returned_signals_are_shown_side_by_side()
    {
        using var p = new PipelineUnderTest();
        var register = new CandidateRegister(new StorageClients(p.Azurite.ConnectionString, null));
        await p.Ingest(1); await p.Nightly(1);
        var night1 = await register.ListAsync();
        var dismissed = night1.Where(s => s.Evidence["residents"] == "5").Select(s => s.SignalId).ToList();
        var registered = night1.First(s => s.Evidence["residents"] == "4").SignalId;
        Assert.NotEmpty(dismissed);
        foreach (var id in dismissed) Assert.Equal(DecideResult.Done, await register.DecideAsync(id, ReviewState.Dismissed, "Gezin met volwassen kinderen", "coord"));
        Assert.Equal(DecideResult.Done, await register.DecideAsync(registered, ReviewState.Registered, "Naar casusoverleg fase 1", "coord"));
        await p.Ingest(2); await p.Nightly(2);

        // The dismissal was based on night 1 (5 residents); night 2 finds 6: returned, open again, both observations kept.
        var back = (await register.GetAsync(dismissed[0]))!;
        Assert.True(back.Returned);
        Assert.Equal(ReviewState.Open, back.Review);
        Assert.Equal("6", back.Evidence["residents"]);
        Assert.Equal(ReviewState.Dismissed, back.PreviousDecision!.State);
        Assert.Equal("R20260302-001", back.PreviousDecision.ObservationRunId);
        Assert.Equal(["5", "6"], (await register.ObservationsAsync(back.SignalId)).Select(o => o.Evidence["residents"]));
        // A decision's basis stays: the registered signal's decision names night 1's observation and its snapshots.
        var kept = (await register.GetAsync(registered))!;
        Assert.Equal(ReviewState.Registered, kept.Review);
        var basis = (await register.ObservationAsync(registered, kept.Decision!.ObservationRunId))!;
        Assert.All(basis.Lineage.Snapshots.Where(s => s.Source == "brp"), s => Assert.Equal(Nights.DateText(1), s.Date));

        using var program = new ProgramProcess(p.Settings);
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Principal.Encode("coördinator-test", Principal.Coordinator));
        var list = await http.GetStringAsync("/review");
        Assert.Contains("teruggekeerd", list);
        var detail = await http.GetStringAsync($"/review/signals/{back.SignalId}");
        Assert.Contains("id=\"returned\"", detail);
        Assert.Contains("afgewezen op", detail);
        Assert.Contains("Gezin met volwassen kinderen", detail);
        var sideBySide = Regex.Match(detail, "<div class=\"box returned\".*?</div>", RegexOptions.Singleline).Value;
        Assert.Contains("bewoners</span>: 5", sideBySide);
        Assert.Contains("bewoners</span>: 6", sideBySide);
        Assert.Contains("Waarnemingen (2)", detail);
        Assert.Contains("id=\"decision-form\"", detail); // to be weighed again
    }

    [Fact]
    public async Task Signals_list_gives_one_record_per_signal_with_the_contract_fields()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1); await p.Nightly(1);
        await p.Ingest(2); await p.Nightly(2);
        var json = await p.Cli("signals", "list");
        Assert.Equal(0, json.Code);
        var records = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var raisedEver = Enumerable.Range(0, Nights.Dwellings).Count(i => Nights.Residents(i, 1) >= 4 || Nights.Residents(i, 2) >= 4);
        Assert.Equal(raisedEver, records.Count);
        Assert.Equal(records.Count, records.Select(r => r.GetProperty("signal_id").GetString()).Distinct().Count());
        string[] fields = ["signal_id", "model", "model_version", "object", "theme", "review_state", "raised", "first_run", "last_run", "last_reference_date", "observations", "returned"];
        Assert.All(records, r => Assert.Equal(fields, r.EnumerateObject().Select(o => o.Name)));
        Assert.Equal(Enumerable.Range(0, Nights.Dwellings).Count(i => Nights.Residents(i, 2) >= 4), records.Count(r => r.GetProperty("raised").GetBoolean()));
        Assert.All(records.Where(r => !r.GetProperty("raised").GetBoolean()), r => Assert.Equal("R20260302-001", r.GetProperty("last_run").GetString()));
        Assert.Contains(records, r => r.GetProperty("observations").GetInt32() == 2);

        var csv = await p.Cli("register", "list", "--format", "csv");
        Assert.Equal(0, csv.Code);
        Assert.StartsWith(string.Join(',', fields), csv.Out);
        Assert.Equal(records.Count + 1, csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
