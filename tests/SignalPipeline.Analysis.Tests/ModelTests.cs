using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

/// <summary>Builds small worlds from CSV text through the real ingest path and runs the nightly runner on them.</summary>
public static class World
{
    static int bsnSeed;

    public static string Bag(params (string Id, int Opp, string Doel)[] vbos) =>
        "verblijfsobject_id;postcode;huisnummer;gebruiksdoelen;oppervlakte;status\n" +
        string.Concat(vbos.Select((v, i) => $"{v.Id};5661AB;{i + 1};{v.Doel};{v.Opp};Verblijfsobject in gebruik\n"));

    public static string Residents(string vboId, int count, string functie = "W") =>
        string.Concat(Enumerable.Range(0, count).Select(_ => $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(Interlocked.Increment(ref bsnSeed)), [])};{vboId};;;{functie}\n"));

    public const string BrpHeader = "bsn;verblijfsobject_id;postcode;huisnummer;functie_adres\n";
    public const string PermitsHeader = "zaak_id;zaaktype;status;datum_aanvraag;aanvrager_kvk;verblijfsobject_id\n";

    public const string EnforcementHeader = "zaak_id;handhavingstype;status;datum_start;betrokkene_bsn;betrokkene_kvk;verblijfsobject_id\n";

    public static async Task<RunOutcome> RunAsync(string bag, string brp, string? permits = null, DpiaRegister? register = null,
        IReadOnlyList<RunSignal>? previous = null, string runId = "R1", string territory = "1771", string date = "2026-11-23", string? enforcement = null, int? seed = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>? parameters = null)
    {
        register ??= TestData.DemoRegister();
        var snaps = new Dictionary<string, LoadedSnapshot>();
        async Task Add(string source, string csv)
        {
            var r = await TestData.BuildAsync(source, csv, register, peildatum: DateOnly.Parse(date));
            Assert.True(r.Table is not null, r.RejectionReason);
            snaps[source] = new LoadedSnapshot(new SnapshotManifest { SnapshotId = source + "-1", Source = source, Date = date, FileName = source + ".csv", Sha256 = "00", Status = "accepted", ResidentsPerPc4 = r.Result.ResidentsPerPc4 }, r.Table!);
        }
        await Add("bag", bag);
        await Add("brp", brp);
        await Add("permits", permits ?? PermitsHeader + "Z-1;overig;verleend;2026-01-01;12345678;1771010000009999\n");
        await Add("enforcement", enforcement ?? EnforcementHeader + "H-1;controle;afgerond;2026-01-01;;;1771010000009999\n");
        using var pseudonymiser = new Analysis.Privacy.Pseudonymiser(TestData.PseudonymKey, "test-1");
        return NightlyRunner.Run(new RunInput(runId, DateOnly.Parse(date), "test", [territory], register, snaps, null, previous ?? [], ModelCatalogue.For(register), parameters)
            { Exclusions = register.ExclusionsPseudonymised(pseudonymiser), Seed = seed });
    }
}

public class OvbTests
{
    const string V1 = "1771010000000001";

    [Theory]
    [InlineData(47, 4, true)]   // 11.75 m² per resident < 12
    [InlineData(48, 4, false)]  // exactly 12: not below the norm
    [InlineData(30, 3, false)]  // 3 residents: below the minimum of 4
    [InlineData(38, 7, true)]   // the brief's example: 5.4 m²
    public async Task Thresholds(int opp, int residents, bool fires)
    {
        var run = await World.RunAsync(World.Bag((V1, opp, "woonfunctie")), World.BrpHeader + World.Residents(V1, residents));
        Assert.Equal(fires, run.Signals.Any(s => s.Signal.Model == "OVB"));
        if (fires)
        {
            var e = run.Signals.Single(s => s.Signal.Model == "OVB").Signal.Evidence;
            Assert.Equal(residents.ToString(), e["residents"]);
            Assert.Equal(opp.ToString(), e["oppervlakte"]);
        }
    }

    [Fact]
    public async Task Postal_registrations_do_not_count_as_residents()
    {
        var run = await World.RunAsync(World.Bag((V1, 20, "woonfunctie")), World.BrpHeader + World.Residents(V1, 3) + World.Residents(V1, 5, "B"));
        Assert.DoesNotContain(run.Signals, s => s.Signal.Model == "OVB");
    }

    [Fact]
    public async Task No_woonfunctie_no_signal()
    {
        var run = await World.RunAsync(World.Bag((V1, 20, "kantoorfunctie")), World.BrpHeader + World.Residents(V1, 6));
        Assert.DoesNotContain(run.Signals, s => s.Signal.Model == "OVB");
    }

    [Theory]
    [InlineData("verleend", false)]
    [InlineData("aangevraagd", true)]
    public async Task Granted_omzettingsvergunning_suppresses(string status, bool fires)
    {
        var run = await World.RunAsync(World.Bag((V1, 20, "woonfunctie")), World.BrpHeader + World.Residents(V1, 4),
            World.PermitsHeader + $"Z-9;omzettingsvergunning;{status};2025-01-01;12345678;{V1}\n");
        Assert.Equal(fires, run.Signals.Count(s => s.Signal.Model == "OVB") == 1);
    }

    [Fact]
    public async Task Outside_territory_no_signal()
    {
        const string other = "0772010000000001";
        var run = await World.RunAsync(World.Bag((other, 20, "woonfunctie")), World.BrpHeader + World.Residents(other, 5));
        Assert.Empty(run.Signals);
    }

    [Fact]
    public async Task Residents_link_by_messy_address_when_no_vbo_id()
    {
        var bag = "verblijfsobject_id;postcode;huisnummer;huisletter;huisnummertoevoeging;gebruiksdoelen;oppervlakte;status\n" +
                  $"{V1};1234AB;12;A;2;woonfunctie;30;Verblijfsobject in gebruik\n";
        var brp = World.BrpHeader + string.Concat(new[] { "12a-2", "12 A 2", "12-A-2", "12A2" }.Select((h, i) =>
            $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(500 + i), [])};;1234 ab;{h};W\n"));
        var run = await World.RunAsync(bag, brp);
        Assert.Equal("4", Assert.Single(run.Signals).Signal.Evidence["residents"]);
        Assert.Equal(0, run.Record.Unlinked["brp"]);
    }

    [Fact]
    public async Task Unlinked_rows_are_counted()
    {
        var brp = World.BrpHeader + World.Residents("1771010000000077", 2) + $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(9), [])};;9999ZZ;1;W\n";
        var run = await World.RunAsync(World.Bag((V1, 100, "woonfunctie")), brp);
        Assert.Equal(3, run.Record.Unlinked["brp"]);
    }
}

public class NightlyTests
{
    const string V1 = "1771010000000001", V2 = "1771010000000002";

    [Fact]
    public async Task Same_inputs_give_identical_signals_and_ids()
    {
        var bag = World.Bag((V1, 20, "woonfunctie"), (V2, 20, "woonfunctie"));
        var brp = World.BrpHeader + World.Residents(V1, 5) + World.Residents(V2, 6);
        var a = await World.RunAsync(bag, brp);
        var b = await World.RunAsync(bag, brp);
        Assert.Equal(2, a.Signals.Count);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a.Signals), System.Text.Json.JsonSerializer.Serialize(b.Signals));
    }

    [Fact]
    public async Task Second_night_classifies_new_continuing_resolved()
    {
        var bag = World.Bag((V1, 20, "woonfunctie"), (V2, 20, "woonfunctie"), ("1771010000000003", 20, "woonfunctie"));
        var night1 = await World.RunAsync(bag, World.BrpHeader + World.Residents(V1, 5) + World.Residents(V2, 6));
        Assert.All(night1.Signals, s => Assert.Equal(RunState.New, s.State));
        var night2 = await World.RunAsync(bag, World.BrpHeader + World.Residents(V1, 5) + World.Residents("1771010000000003", 4), previous: night1.Signals, runId: "R2", date: "2026-11-24");
        var byState = night2.Signals.GroupBy(s => s.State).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, byState[RunState.New]);
        Assert.Equal(1, byState[RunState.Continuing]);
        Assert.Equal(1, byState[RunState.Resolved]);
        Assert.Single(night2.ToQueue);
        Assert.Equal(night1.Signals.Single(s => s.Signal.Evidence["residents"] == "5").Signal.SignalId,
            night2.Signals.Single(s => s.State == RunState.Continuing).Signal.SignalId);
    }

    [Fact]
    public async Task Refused_model_carries_its_open_signals()
    {
        var bag = World.Bag((V1, 20, "woonfunctie"));
        var night1 = await World.RunAsync(bag, World.BrpHeader + World.Residents(V1, 5));
        var suspended = TestData.RegisterWith(j => j.Replace("\"status\": \"approved\"", "\"status\": \"suspended\"").Replace("\"status\": \"experimental\"", "\"status\": \"suspended\""));
        var night2 = await World.RunAsync(bag, World.BrpHeader + World.Residents(V1, 5), register: suspended, previous: night1.Signals, runId: "R2");
        Assert.Equal(RunState.Carried, Assert.Single(night2.Signals).State);
        Assert.Empty(night2.ToQueue);
        Assert.All(night2.Record.Models, m => Assert.Equal("refused", m.Outcome));
    }
}

public class GateTests
{
    static readonly OvbModel Ovb = new(2);
    static readonly DateOnly Day = new(2026, 11, 23);

    static GateDecision Check(DpiaRegister r, IReadOnlyDictionary<string, decimal>? p = null, DateOnly? day = null) =>
        ModelGate.Check(ModelCatalogue.Describe(Ovb, p ?? Ovb.DefaultParameters), r, day ?? Day);

    [Fact] public void Approved_runs() => Assert.Equal(GateOutcome.Run, Check(TestData.DemoRegister()).Outcome);

    [Fact]
    public void Unapproved_model_is_refused() =>
        Assert.Contains("not in the DPIA register", Check(TestData.RegisterWith(j => j.Replace("\"id\": \"OVB\"", "\"id\": \"XXX\""))).Reason);

    [Fact]
    public void Review_date_edge_is_inclusive()
    {
        Assert.Equal(GateOutcome.Run, Check(TestData.DemoRegister(), day: new DateOnly(2027, 12, 31)).Outcome);
        Assert.Contains("expired", Check(TestData.DemoRegister(), day: new DateOnly(2028, 1, 1)).Reason);
    }

    [Fact]
    public void Changed_parameter_is_refused() =>
        Assert.Contains("min_residents is 5", Check(TestData.DemoRegister(), new Dictionary<string, decimal> { ["min_residents"] = 5, ["max_m2_per_resident"] = 12 }).Reason);

    [Fact]
    public void Other_version_is_refused() =>
        Assert.Contains("version 3.0.0", Check(TestData.RegisterWith(j => j.Replace("\"version\": \"2.0.0\"", "\"version\": \"3.0.0\""))).Reason);

    [Fact]
    public void Column_not_permitted_for_the_source_is_refused() =>
        Assert.Contains("bag.oppervlakte", Check(TestData.RegisterWith(j => j.Remove(j.IndexOf("\"oppervlakte\",", StringComparison.Ordinal), "\"oppervlakte\",".Length))).Reason);

    [Fact]
    public void A_build_whose_model_code_differs_from_the_approved_code_is_refused()
    {
        var approved = CodeHash.Of(Ovb);
        var other = TestData.RegisterWith(j => j.Replace(approved, new string('0', 64)));
        Assert.Contains($"code hash differs: the register approved 000000000000, this build of OVB 2.0.0 is {approved[..12]}", Check(other).Reason);
        var none = TestData.RegisterWith(j => j.Replace($"\"code_hash\": \"{approved}\"", "\"code_hash\": null"));
        Assert.Contains("binds no code hash", Check(none).Reason);
        // The packaged demo register binds this build's code (tools/dpia_register.py keeps it so).
        Assert.Equal(GateOutcome.Run, Check(TestData.DemoRegister()).Outcome);
    }

    [Fact]
    public void The_demo_register_binds_the_code_of_every_model_it_names()
    {
        var register = TestData.DemoRegister();
        foreach (var a in register.Models)
        {
            var model = ModelCatalogue.Find(a.Id, a.Version)!;
            Assert.Equal(a.Version, model.Version);
            Assert.True(a.CodeHash == CodeHash.Of(model), $"{a.Id} {a.Version}: run tools/dpia_register.py after changing the model (a changed model needs a new approval)");
        }
    }

    [Fact]
    public void Suspended_is_the_kill_switch() =>
        Assert.Contains("suspended", Check(TestData.RegisterWith(j => j.Replace("\"status\": \"approved\"", "\"status\": \"suspended\""))).Reason);

    [Fact]
    public void Experimental_runs_in_shadow() =>
        Assert.Equal(GateOutcome.Shadow, Check(TestData.RegisterWith(j => j.Replace("\"status\": \"approved\"", "\"status\": \"experimental\""))).Outcome);
}

public class DeployedParameterTests
{
    [Fact]
    public async Task A_deployed_parameter_that_differs_from_the_approval_refuses_the_model_with_the_reason()
    {
        var register = TestData.DemoRegister();
        var snaps = new Dictionary<string, LoadedSnapshot>();
        foreach (var (source, csv) in new[] { ("bag", World.Bag(("1771010000000001", 20, "woonfunctie"))), ("brp", World.BrpHeader + World.Residents("1771010000000001", 5)),
            ("permits", World.PermitsHeader + "Z-1;overig;verleend;2026-01-01;12345678;1771010000000001\n") })
            snaps[source] = new LoadedSnapshot(new SnapshotManifest { SnapshotId = source, Source = source, Date = "2026-11-23", FileName = "f", Sha256 = "00", Status = "accepted" },
                (await TestData.BuildAsync(source, csv, register)).Table!);
        var overrides = new Dictionary<string, IReadOnlyDictionary<string, decimal>> { ["OVB"] = new Dictionary<string, decimal> { ["min_residents"] = 5 } };
        var run = NightlyRunner.Run(new RunInput("R", new DateOnly(2026, 11, 23), "test", ["1771"], register, snaps, null, [], ModelCatalogue.For(register), overrides));
        var ovb = run.Record.Models.Single(m => m.Model == "OVB");
        Assert.Equal("refused", ovb.Outcome);
        Assert.Equal("parameter min_residents is 5, the register approved 4", ovb.Reason);
        Assert.DoesNotContain(run.Signals, s => s.Signal.Model == "OVB");
    }
}
