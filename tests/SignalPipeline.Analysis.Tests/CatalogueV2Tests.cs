using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

/// <summary>Catalogue v2 (docs/contracts/models.md v2) on planted cases, each beside its v1 behaviour: the demo register
/// approves v2; a register that approves v1 still runs v1.</summary>
public class CatalogueV2Tests
{
    const string A = "1771010000000001", B = "1771010000000002", C = "1771010000000003";
    const string BrpHeader = "bsn;verblijfsobject_id;postcode;huisnummer;functie_adres;geboortedatum;in_onderzoek\n";
    static int seed = 1000;

    /// <summary>The demo register with every v2 rule set back to 1.0.0 (its parameters as v1 had them).</summary>
    static DpiaRegister V1Register() => TestData.RegisterWith(j => Regex.Replace(j.Replace("\"version\": \"2.0.0\"", "\"version\": \"1.0.0\""), @",\s*""include_logies"": 0", ""));

    static string People(string vbo, int count, string born, string functie = "W", bool onderzoek = false) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(Interlocked.Increment(ref seed)), [])};{vbo};;;{functie};{born};{(onderzoek ? "ja" : "nee")}\n"));

    static IEnumerable<Signal> Raised(RunOutcome run, string model) => run.Signals.Where(s => s.Signal.Model == model && s.State != RunState.Resolved).Select(s => s.Signal);

    [Fact]
    public async Task OVB_2_counts_adults_only_so_a_family_in_a_small_home_is_no_signal()
    {
        var bag = World.Bag((A, 40, "woonfunctie"), (B, 40, "woonfunctie"), (C, 40, "woonfunctie"));
        // A: four adults on 40 m² (the exploitation pattern). B: two parents and three children (the decoy).
        // C: four residents whose birth date is not delivered: unknown age counts as adult.
        var brp = BrpHeader + People(A, 4, "1980-05-01") + People(B, 2, "1985-01-01") + People(B, 3, "2016-03-03") + People(C, 4, "");
        var v2 = await World.RunAsync(bag, brp);
        var raised = Raised(v2, "OVB").ToList();
        Assert.Equal(2, raised.Count);
        Assert.All(raised, s => Assert.Equal("2.0.0", s.ModelVersion));
        Assert.All(raised, s => Assert.Equal("4", s.Evidence["residents"]));
        Assert.All(raised, s => Assert.Equal("0", s.Evidence["minderjarigen"]));
        var v1 = await World.RunAsync(bag, brp, register: V1Register());
        Assert.Equal(3, Raised(v1, "OVB").Count()); // v1 counted the children: the family was a signal
        Assert.Contains(Raised(v1, "OVB"), s => s.Evidence["residents"] == "5");
    }

    [Fact]
    public async Task A_child_turning_18_on_the_peildatum_counts_as_an_adult()
    {
        var bag = World.Bag((A, 40, "woonfunctie"));
        var brp = BrpHeader + People(A, 3, "1980-05-01") + People(A, 1, "2008-11-23");
        Assert.Single(Raised(await World.RunAsync(bag, brp, date: "2026-11-23"), "OVB"));
        Assert.Empty(Raised(await World.RunAsync(bag, brp, date: "2026-11-22"), "OVB"));
    }

    [Fact]
    public async Task NWF_2_is_not_raised_for_care_homes_prisons_or_logies()
    {
        var bag = World.Bag((A, 900, "gezondheidszorgfunctie"), (B, 5000, "celfunctie"), (C, 300, "logiesfunctie"), ("1771010000000004", 200, "kantoorfunctie"));
        var brp = BrpHeader + People(A, 12, "1940-01-01") + People(B, 30, "1990-01-01") + People(C, 3, "1990-01-01") + People("1771010000000004", 2, "1990-01-01");
        var v2 = Raised(await World.RunAsync(bag, brp), "NWF").ToList();
        Assert.Equal("kantoorfunctie", Assert.Single(v2).Evidence["gebruiksdoelen"]);
        Assert.Equal(4, Raised(await World.RunAsync(bag, brp, register: V1Register()), "NWF").Count());
        // Logies counts when the municipality deploys include_logies = 1 and its register approves exactly that.
        var withLogies = TestData.RegisterWith(j => j.Replace("\"include_logies\": 0", "\"include_logies\": 1"));
        var deployed = new Dictionary<string, IReadOnlyDictionary<string, decimal>> { ["NWF"] = new Dictionary<string, decimal> { ["include_logies"] = 1 } };
        Assert.Equal(2, Raised(await World.RunAsync(bag, brp, register: withLogies, parameters: deployed), "NWF").Count());
        Assert.Contains("include_logies is 0, the register approved 1",
            (await World.RunAsync(bag, brp, register: withLogies)).Record.Models.Single(m => m.Model == "NWF").Reason);
    }

    [Fact]
    public async Task ONG_2_treats_a_standplaats_as_a_valid_address()
    {
        // An LV BAG standplaats (type 03): no gebruiksdoel, no oppervlakte, status "Plaats aangewezen".
        const string standplaats = "1771030000000001";
        var bag = World.Bag((A, 40, "woonfunctie")) + $"{standplaats};5661AB;99;;;Plaats aangewezen\n";
        var brp = BrpHeader + People(standplaats, 2, "1970-01-01");
        Assert.Empty(Raised(await World.RunAsync(bag, brp), "ONG"));
        Assert.Empty(Raised(await World.RunAsync(bag, brp), "NWF")); // living there is what it is for

        // A ligplaats the BAG extract does not list (an extract of verblijfsobjecten only): still a lawful address in v2.
        const string ligplaats = "1771020000000007";
        var onlyVbos = World.Bag((A, 40, "woonfunctie"));
        var atLigplaats = BrpHeader + People(ligplaats, 2, "1970-01-01");
        Assert.Empty(Raised(await World.RunAsync(onlyVbos, atLigplaats), "ONG"));
        Assert.Equal("niet in BAG", Assert.Single(Raised(await World.RunAsync(onlyVbos, atLigplaats, register: V1Register()), "ONG")).Evidence["status"]);
        // An unknown verblijfsobject (type 01) still raises ONG 2.0.0.
        Assert.Single(Raised(await World.RunAsync(onlyVbos, BrpHeader + People("1771010000000099", 1, "1970-01-01")), "ONG"));
    }

    [Fact]
    public async Task BRF_2_skips_an_institutions_briefadres_on_the_exclusion_list()
    {
        // The demo register excludes 1771010009990001: the municipality's own briefadres for homeless people.
        const string institution = "1771010009990001";
        var bag = World.Bag((institution, 120, "kantoorfunctie"), (A, 60, "woonfunctie"));
        var brp = BrpHeader + People(institution, 25, "1975-01-01", "B") + People(A, 3, "1975-01-01", "B");
        var v2 = Raised(await World.RunAsync(bag, brp), "BRF").ToList();
        Assert.Equal("3", Assert.Single(v2).Evidence["postal_registrations"]);
        Assert.Equal(2, Raised(await World.RunAsync(bag, brp, register: V1Register()), "BRF").Count());
    }

    [Fact]
    public async Task A_signal_whose_every_registration_is_in_onderzoek_is_not_raised_and_a_partial_one_says_so()
    {
        var bag = World.Bag((A, 40, "woonfunctie"), (B, 40, "woonfunctie"));
        var brp = BrpHeader + People(A, 5, "1980-01-01", onderzoek: true) + People(B, 3, "1980-01-01") + People(B, 2, "1980-01-01", onderzoek: true);
        var raised = Assert.Single(Raised(await World.RunAsync(bag, brp), "OVB"));
        Assert.Equal("2", raised.Evidence[V2Rules.OnderzoekKey]);
        Assert.Contains("Al in onderzoek: 2 inschrijving(en).", ModelCatalogue.Explain("OVB", raised.Evidence));
        Assert.Equal(2, Raised(await World.RunAsync(bag, brp, register: V1Register()), "OVB").Count());
    }

    [Fact]
    public async Task The_control_sample_draws_the_same_objects_from_the_same_seed_and_never_a_raised_object()
    {
        var approved = TestData.RegisterWith(j => Regex.Replace(j, @"(""id"": ""CTL"",\s*""version"": ""1.0.0"",\s*""status"": )""experimental""", "$1\"approved\""));
        var vbos = Enumerable.Range(1, 40).Select(i => ($"17710100000001{i:D2}", 100, "woonfunctie")).ToArray();
        var brp = BrpHeader + string.Concat(vbos.Select(v => People(v.Item1, 1, "1980-01-01"))) + People(vbos[0].Item1, 9, "1980-01-01");
        var bag = World.Bag(vbos);
        var first = await World.RunAsync(bag, brp, register: approved, seed: 12345);
        var again = await World.RunAsync(bag, brp, register: approved, seed: 12345);
        var other = await World.RunAsync(bag, brp, register: approved, seed: 54321);
        var sample = Raised(first, "CTL").Select(s => s.Object).ToList();
        Assert.Equal(3, sample.Count);
        Assert.Equal(sample, Raised(again, "CTL").Select(s => s.Object));
        Assert.NotEqual(sample, Raised(other, "CTL").Select(s => s.Object));
        Assert.Equal("12345", first.Record.Models.Single(m => m.Model == "CTL").Facts!["seed"]);
        Assert.Equal(12345, first.Record.Seed);
        // The crowded object is OVB's: the sample never draws an object another model raised tonight.
        var ovb = Assert.Single(Raised(first, "OVB")).Object;
        foreach (var s in new[] { 1, 2, 3, 4, 5, 6, 7, 8 }.Select(x => World.RunAsync(bag, brp, register: approved, seed: x).Result))
            Assert.DoesNotContain(ovb, Raised(s, "CTL").Select(c => c.Object));
        // Tomorrow's draw does not resolve today's sample: it is carried until decided.
        var tomorrow = await World.RunAsync(bag, brp, register: approved, seed: 999, previous: first.Signals, runId: "R2");
        Assert.All(first.Signals.Where(s => s.Signal.Model == "CTL"),
            s => Assert.Contains(tomorrow.Signals, t => t.Signal.SignalId == s.Signal.SignalId && t.State is RunState.Carried or RunState.Continuing));
    }
}

/// <summary>Precision and lift per model version from known decisions (models.md v2, "Outcomes and quality").</summary>
public class ModelQualityTests
{
    static int n;
    static SignalState Decided(string model, string version, ReviewState? decision, Outcome? outcome = null, DateTimeOffset? at = null)
    {
        var id = $"{model}-{Interlocked.Increment(ref n):D20}";
        var o = new Observation(id, model, version, "t", "V" + id, [], new Dictionary<string, string>(), "R20261101-001", "2026-11-01",
            new SignalLineage([], "r", "00", null));
        var state = SignalState.Raise(null, o, DateTimeOffset.Parse("2026-11-01T00:00:00Z")).Next!;
        return decision is { } d ? SignalState.Decide(state, d, "een reden van voldoende lengte", "coord", at ?? DateTimeOffset.Parse("2026-11-10T00:00:00Z"), outcome).Next! : state;
    }

    [Fact]
    public void Precision_is_doorgezet_over_decided_and_lift_compares_it_with_the_control_sample()
    {
        var register = new List<SignalState>();
        // OVB 2.0.0: 10 decided, 6 doorgezet → precision 0.6; 2 still open.
        for (var i = 0; i < 6; i++) register.Add(Decided("OVB", "2.0.0", ReviewState.Registered, at: DateTimeOffset.Parse($"2026-11-{10 + i}T09:00:00Z")));
        register.Add(Decided("OVB", "2.0.0", ReviewState.Dismissed, Outcome.Onterecht));
        register.Add(Decided("OVB", "2.0.0", ReviewState.Dismissed, Outcome.Onterecht));
        register.Add(Decided("OVB", "2.0.0", ReviewState.Dismissed, Outcome.Bekend));
        register.Add(Decided("OVB", "2.0.0", ReviewState.Dismissed, Outcome.GeenPrioriteit));
        register.Add(Decided("OVB", "2.0.0", null));
        register.Add(Decided("OVB", "2.0.0", null));
        // OVB 1.0.0 counted apart: 1 of 4.
        register.Add(Decided("OVB", "1.0.0", ReviewState.Registered));
        for (var i = 0; i < 3; i++) register.Add(Decided("OVB", "1.0.0", ReviewState.Dismissed, Outcome.Onterecht));
        // The control sample: 1 of 5 doorgezet → chance level 0.2.
        register.Add(Decided("CTL", "1.0.0", ReviewState.Registered));
        for (var i = 0; i < 4; i++) register.Add(Decided("CTL", "1.0.0", ReviewState.Dismissed, Outcome.Onterecht));

        var rows = ModelQuality.Compute(register, TestData.DemoRegister());
        var v2 = rows.Single(r => r.Model == "OVB" && r.Version == "2.0.0");
        Assert.Equal((12, 2, 10, 6, 2, 1, 1), (v2.Raised, v2.Open, v2.Decided, v2.Doorgezet, v2.Onterecht, v2.Bekend, v2.GeenPrioriteit));
        Assert.Equal(0.6m, v2.Precision);
        Assert.Equal((4, 6), (v2.Dismissed, v2.PhaseTwo));
        Assert.Equal(0.2m, v2.ControlRate);
        Assert.Equal(3.0m, v2.Lift);
        Assert.Equal(new DateOnly(2026, 11, 10), v2.FirstDecision);
        Assert.Equal(new DateOnly(2026, 11, 15), v2.LastDecision);
        var v1 = rows.Single(r => r.Model == "OVB" && r.Version == "1.0.0");
        Assert.Equal(0.25m, v1.Precision);
        Assert.Equal(1.25m, v1.Lift);
        Assert.Null(rows.Single(r => r.Model == "CTL").Lift);
        Assert.False(v2.StopMet); // 10 decisions: below the demo register's minimum of 20
    }

    [Fact]
    public void A_model_version_below_its_stop_criterion_is_flagged_for_suspension()
    {
        var register = new List<SignalState>();
        register.Add(Decided("NWF", "2.0.0", ReviewState.Registered));
        for (var i = 0; i < 19; i++) register.Add(Decided("NWF", "2.0.0", ReviewState.Dismissed, Outcome.Onterecht));
        var row = ModelQuality.Compute(register, TestData.DemoRegister()).Single(r => r.Model == "NWF");
        Assert.Equal(0.05m, row.Precision);
        Assert.True(row.StopMet);
        Assert.Equal("precisie 0,05 onder 0,20 na 20 besluiten (minimaal 20)", row.StopReason);
    }

    [Fact]
    public void A_dismissal_needs_an_outcome_other_than_doorgezet_and_registering_is_always_doorgezet()
    {
        var registered = Decided("OVB", "2.0.0", ReviewState.Registered, Outcome.Onterecht);
        Assert.Equal(Outcome.Doorgezet, registered.Decision!.Outcome);
        Assert.Equal("2.0.0", registered.Decision.ModelVersion);
        Assert.Throws<ArgumentException>(() => Decided("OVB", "2.0.0", ReviewState.Dismissed, Outcome.Doorgezet));
    }
}
