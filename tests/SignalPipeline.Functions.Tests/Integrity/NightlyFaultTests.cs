using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integrity;

/// <summary>The nightly as a recoverable state machine: whatever step it is interrupted at, running the same nightly
/// again leaves the signalenregister exactly as an uninterrupted run does (same signals, states, run ids, observations).
/// Three nights on <see cref="Nights"/>, with a dismissal after night 1; the fault strikes night 2.</summary>
public sealed class NightlyFaultTests
{
    static readonly Lazy<Task<string>> Reference = new(() => RunScenario(null));
    /// <summary>One key for every pipeline here, so the registers can be compared signal by signal.</summary>
    static readonly string Key = PipelineUnderTest.SharedKeyFile(nameof(NightlyFaultTests));

    /// <summary>Night 1, a dismissal, night 2 (through <paramref name="night2"/> when given), night 3.</summary>
    static async Task<string> RunScenario(Func<PipelineUnderTest, Task>? night2)
    {
        using var p = new PipelineUnderTest(Key);
        await p.Ingest(1);
        await p.Nightly(1);
        var register = new CandidateRegister(new StorageClients(p.Azurite.ConnectionString, null));
        // The coordinator dismisses the signals with 5 residents; the next night finds 6 there (new evidence).
        foreach (var s in (await register.ListAsync()).Where(s => s.Evidence["residents"] == "5"))
            Assert.Equal(DecideResult.Done, await register.DecideAsync(s.SignalId, ReviewState.Dismissed, "Gezin met volwassen kinderen, geen uitbuiting", "coord"));
        await p.Ingest(2);
        if (night2 is null) await p.Nightly(2); else await night2(p);
        await p.Ingest(3);
        await p.Nightly(3);
        return await p.RegisterContents();
    }

    [Fact]
    public async Task The_scenario_raises_resolves_changes_and_returns_signals()
    {
        var reference = await Reference.Value;
        // The scenario exercises every transition, or the comparisons below prove little.
        Assert.Contains("\"returned\":true", reference);
        Assert.Contains("\"raised\":false", reference);
        Assert.Contains("\"observations\":2", reference);
        Assert.Contains("\"review_state\":\"open\"", reference);
        Assert.Contains("\"first_run\":\"R20260302-001\"", reference);
        Assert.Contains("\"last_run\":\"R20260304-001\"", reference);
    }

    public static TheoryData<string> NightlySteps => new(["computed", "saved", "queueing", "queued", "continued", "resolved", "drained", "completed", "intake-taken", "register-observed"]);

    [Theory]
    [MemberData(nameof(NightlySteps))]
    public async Task Nightly_interrupted_at_a_step_and_run_again_equals_an_uninterrupted_run(string step)
    {
        var faulty = await RunScenario(async p =>
        {
            var broken = await p.Cli(new Dictionary<string, string?> { ["Testing:FaultAt"] = step, ["Testing:FaultOnHit"] = step is "intake-taken" or "register-observed" ? "2" : "1" },
                "nightly", "--date", Nights.DateText(2));
            Assert.True(broken.Code == 1, $"expected the injected fault to fail the run: {broken.Out}{broken.Err}");
            Assert.Contains($"injected fault at '{step}'", broken.Err);
            Assert.DoesNotContain("   at ", broken.Err); // no stack trace
            var again = await p.Cli("nightly", "--date", Nights.DateText(2));
            Assert.True(again.Code == 0, again.Out + again.Err);
            Assert.Contains(": completed", again.Out);
        });
        Assert.Equal(await Reference.Value, faulty);
    }

    [Fact]
    public async Task A_killed_nightly_process_is_finished_by_the_next_one()
    {
        var faulty = await RunScenario(async p =>
        {
            foreach (var step in new[] { "queueing", "intake-taken" })
            {
                var (code, _, output) = await p.RunProgram(new() { ["Testing__KillAt"] = step, ["Testing__FaultOnHit"] = step == "intake-taken" ? "3" : "1" },
                    "nightly", "--date", Nights.DateText(2));
                Assert.True(code != 0, $"the process should have been killed at {step}: {output}");
            }
            var again = await p.Cli("nightly", "--date", Nights.DateText(2));
            Assert.True(again.Code == 0, again.Out + again.Err);
            Assert.Contains("resumed run R20260303-001", again.Out);
        });
        Assert.Equal(await Reference.Value, faulty);
    }

    [Fact]
    public async Task Two_nightlies_at_once_do_not_interleave()
    {
        var faulty = await RunScenario(async p =>
        {
            var both = await Task.WhenAll(p.Cli("nightly", "--date", Nights.DateText(2)), p.Cli("nightly", "--date", Nights.DateText(2)));
            Assert.All(both, r => Assert.True(r.Code == 0, r.Out + r.Err));
            Assert.Single(both, r => r.Out.Contains("already completed"));
        });
        Assert.Equal(await Reference.Value, faulty);
    }

    [Fact]
    public async Task A_back_fill_records_its_run_and_changes_nothing_in_the_register()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1); await p.Ingest(3);
        await p.Nightly(1); await p.Nightly(3);
        var before = await p.RegisterContents();
        await p.Ingest(2);
        var backfill = await p.Cli("nightly", "--date", Nights.DateText(2));
        Assert.Equal(0, backfill.Code);
        Assert.Contains("back-fill", backfill.Out);
        Assert.Equal(before, await p.RegisterContents());
        var runs = await new RunStore(new StorageClients(p.Azurite.ConnectionString, null)).ListAsync();
        Assert.Contains(runs, r => r.RunId == "R20260303-001" && r.Backfill && r.Status == "completed");
    }

    [Fact]
    public async Task A_stale_intake_message_does_not_reopen_or_overwrite()
    {
        using var p = new PipelineUnderTest();
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var register = new CandidateRegister(storage);
        await p.Ingest(1); await p.Nightly(1);
        var night1 = new Dictionary<string, Observation>();
        foreach (var s in await register.ListAsync()) night1[s.SignalId] = (await register.ObservationsAsync(s.SignalId)).Single();
        await p.Ingest(2); await p.Nightly(2);
        await p.Ingest(3); await p.Nightly(3);
        var before = await p.RegisterContents();
        Assert.Contains("\"raised\":false", before); // some night-1 signals are resolved by now

        // Night 1's messages delivered again, late (a queue that was down, an operator replaying a file).
        var queue = storage.Queue(StorageClients.IntakeQueue);
        foreach (var o in night1.Values) await queue.SendMessageAsync(SignalPipeline.Functions.Configuration.Json.Serialize(IntakeMessage.From(o)));
        // ... and one for a signal the register never had, from that old run: stale as a whole.
        var unknown = night1.Values.First() with { SignalId = "OVB-00000000000000000abc" };
        await queue.SendMessageAsync(SignalPipeline.Functions.Configuration.Json.Serialize(IntakeMessage.From(unknown)));
        var drained = await p.Cli("nightly", "--date", Nights.DateText(3));
        Assert.Equal(0, drained.Code);
        Assert.Contains($"intake: {night1.Count + 1} messages taken", drained.Out);
        Assert.Contains("OVB-00000000000000000abc: ignored, stale (run R20260302-001 is older than the latest completed run R20260304-001)", drained.Out);
        Assert.Contains("ignored, stale (the register already holds a later run than R20260302-001)", drained.Out);
        Assert.Equal(before, await p.RegisterContents());
    }

    [Fact]
    public async Task Poison_messages_are_set_aside_reported_and_block_nothing()
    {
        using var p = new PipelineUnderTest();
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        await storage.EnsureCreatedAsync();
        var queue = storage.Queue(StorageClients.IntakeQueue);
        foreach (var bad in new[] { "not json at all", "{\"schema\":\"signalpipeline/phase1-intake/v1\",\"subjects\":null,\"evidence\":5}", "[1,2,3]", "{\"signal_id\":\"OVB-1\"}", "\"\"" })
            await queue.SendMessageAsync(bad);
        await p.Ingest(1);
        var r = await p.Cli("nightly", "--date", Nights.DateText(1));
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("5 moved to the poison queue", r.Out);
        Assert.Contains(": completed", r.Out);
        Assert.Equal(5, (await storage.Queue(StorageClients.IntakePoisonQueue).PeekMessagesAsync(32)).Value.Length);
        var raised = Enumerable.Range(0, Nights.Dwellings).Count(i => Nights.Residents(i, 1) >= 4);
        Assert.Equal(raised, (await new CandidateRegister(storage).ListAsync()).Count);
        // The intake is free again: the next night runs without the bad messages in the way.
        await p.Ingest(2);
        await p.Nightly(2);
    }

    [Fact]
    public async Task A_corrected_extract_for_a_night_already_run_gives_a_new_run_that_reconciles_the_register()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1); await p.Nightly(1);
        // A correction of night 1's BRP: night 3's residents under night 1's date.
        var night3 = Path.Combine(Nights.Write(Path.Combine(p.Dir.Path, "n3"), 3), "brp", Nights.DateText(3), "brp.csv");
        var ingest = await p.Cli("ingest", night3, "--source", "brp", "--date", Nights.DateText(1));
        Assert.Contains("replaces snapshot", ingest.Out);
        var rerun = await p.Cli("nightly", "--date", Nights.DateText(1));
        Assert.True(rerun.Code == 0, rerun.Out + rerun.Err);
        Assert.Contains("run R20260302-002: completed", rerun.Out);
        var list = (await p.Cli("signals", "list")).Out;
        var raised = Enumerable.Range(0, Nights.Dwellings).Count(i => Nights.Residents(i, 3) >= 4);
        Assert.Equal(raised, System.Text.RegularExpressions.Regex.Matches(list, "\"raised\":true").Count);
        Assert.Equal(raised, System.Text.RegularExpressions.Regex.Matches(list, "\"last_run\":\"R20260302-002\"").Count);
    }
}
