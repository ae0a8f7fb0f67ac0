using Microsoft.Extensions.Configuration;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The same planted situations delivered as v1 CSV and as the municipality's real formats (LV BAG 2.0 parts,
/// a GBA-V selection, ZGW Zaken exports) give the same signalenregister, night after night, on Azurite through the CLI.</summary>
public sealed class RealFormatTests
{
    static readonly DateOnly Night1 = new(2026, 11, 2);

    /// <summary>Night 1: the demo sample. Night 2: the same a day later, with the residents of VBO 0 moved out (its OVB
    /// signal resolves) — as CSV under <c>csv/</c> and in real formats under <c>real/</c>.</summary>
    static (string Csv, string Real) Deliveries(TempDir dir, string brpFormat = "gba-v-csv")
    {
        var csv = Path.Combine(dir.Path, "csv");
        SampleExtracts.Write(csv, Night1, new SampleOptions());
        SampleExtracts.Write(csv, Night1.AddDays(1), new SampleOptions());
        var brp2 = Directory.GetFiles(Path.Combine(csv, "brp", Night1.AddDays(1).ToString("yyyy-MM-dd"))).Single();
        File.WriteAllLines(brp2, File.ReadAllLines(brp2).Where(l => !l.Contains(";1771010001000000;")));
        var real = Path.Combine(dir.Path, "real");
        RealFormatSamples.Write(csv, real, brpFormat);
        return (csv, real);
    }

    [Theory]
    [InlineData("gba-v-csv")]
    [InlineData("brp-personen-v2")]
    public async Task Real_formats_and_v1_CSV_give_the_same_signals_and_states_over_two_nights(string brpFormat)
    {
        var key = PipelineUnderTest.SharedKeyFile(nameof(RealFormatTests));
        using var dir = new TempDir();
        var (csvRoot, realRoot) = Deliveries(dir, brpFormat);
        using var csv = new PipelineUnderTest(key);
        using var real = new PipelineUnderTest(key);
        foreach (var night in new[] { Night1, Night1.AddDays(1) })
        {
            var d = night.ToString("yyyy-MM-dd");
            foreach (var (p, root) in new[] { (csv, csvRoot), (real, realRoot) })
            {
                foreach (var source in new[] { "bag", "brp", "permits", "enforcement" })
                {
                    var r = await p.Cli("ingest", Path.Combine(root, source, d));
                    Assert.True(r.Code == 0, r.Out + r.Err);
                }
                var n = await p.Cli("nightly", "--date", d);
                Assert.True(n.Code == 0, n.Out + n.Err);
            }
        }
        var expected = await csv.RegisterContents();
        Assert.Contains("\"review_state\":\"open\"", expected);
        Assert.Contains("\"raised\":false", expected); // VBO 0's OVB signal resolved on night 2
        Assert.Equal(expected, await real.RegisterContents());

        // The manifests name the format and every file of the delivery; the nightly used the real-format snapshots.
        var storage = new StorageClients(real.Azurite.ConnectionString, null);
        var bag = await new SnapshotStore(storage).LatestAsync("bag", Night1.AddDays(1));
        Assert.Equal("lvbag-2.0", bag!.Format);
        Assert.Equal(5, bag.Files.Count);
        Assert.All(bag.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        var brp = await new SnapshotStore(storage).LatestAsync("brp", Night1.AddDays(1));
        Assert.Equal(brpFormat, brp!.Format);
        Assert.Contains(brp.ColumnsDiscarded, c => c.Name.Contains("nationaliteit") && c.Reason.StartsWith("never permitted"));
        Assert.DoesNotContain("nationaliteit", brp.ColumnsKept);
        Assert.Equal("zgw-zaken-1.5", (await new SnapshotStore(storage).LatestAsync("enforcement", Night1))!.Format);

        // LV BAG names the street: the coordinator's reveal reads "Dorpsstraat 12, 5661AB Geldrop", the v1 CSV only "5661AB 12 …".
        var signal = (await new CandidateRegister(storage).ListAsync()).First(s => s.Model == "OVB" && s.Raised);
        var identities = new Functions.Pipeline.IdentityResolver(new SnapshotStore(storage), new DevKeyFileProvider(key, TextWriter.Null));
        var shown = await identities.RevealAsync(signal.Object, signal.Subjects, [signal.Lineage.Snapshots]);
        Assert.Matches(@"^Dorpsstraat \d+\S*, \d{4}[A-Z]{2}( \S+)?$", shown.AddressWithTown);
        var csvStorage = new StorageClients(csv.Azurite.ConnectionString, null);
        var csvSignal = (await new CandidateRegister(csvStorage).GetAsync(signal.SignalId))!;
        var csvShown = await new Functions.Pipeline.IdentityResolver(new SnapshotStore(csvStorage), new DevKeyFileProvider(key, TextWriter.Null))
            .RevealAsync(csvSignal.Object, csvSignal.Subjects, [csvSignal.Lineage.Snapshots]);
        Assert.Matches(@"^\d{4}[A-Z]{2} \d+", csvShown.AddressWithTown);
    }

    [Fact]
    public async Task A_multi_file_delivery_waits_for_READY_and_a_stale_source_refuses_the_models_that_read_it()
    {
        using var dir = new TempDir();
        var (_, realRoot) = Deliveries(dir);
        using var p = new PipelineUnderTest();
        using var services = await Functions.Composition.AppServices.CreateAsync(
            Functions.Configuration.PipelineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(p.Settings).Build()), TextWriter.Null);
        // The parts arrive one by one, as Event Grid reports them: each waits until _READY says the delivery is complete.
        foreach (var file in Directory.GetFiles(Path.Combine(realRoot, "bag", "2026-11-02")).Order(StringComparer.Ordinal))
        {
            var outcome = await services.Ingest.IngestBlobAsync(await services.Ingest.DeliverAsync(file, "bag", "2026-11-02"));
            Assert.Equal("waiting", outcome.Outcome);
            Assert.False(outcome.IsFailure);
        }
        await services.Ingest.MarkReadyAsync("bag", "2026-11-02");
        var done = await services.Ingest.IngestBlobAsync("bag/2026-11-02/_READY");
        Assert.Equal("accepted", done.Outcome);
        Assert.Equal("lvbag-2.0", done.Manifest!.Format);
        Assert.Equal("2026-11-02", done.Manifest.Peildatum);

        // 40 days on, the BAG (max 35 days) is too old: every model that reads it is refused, and raises nothing.
        foreach (var source in new[] { "brp", "permits", "enforcement" })
            Assert.Equal(0, (await p.Cli("ingest", Path.Combine(realRoot, source, "2026-11-02"))).Code);
        var late = await p.Cli(new Dictionary<string, string?> { ["Sources:MaxAgeDays:brp"] = "60", ["Sources:MaxAgeDays:permits"] = "60", ["Sources:MaxAgeDays:enforcement"] = "60" },
            "nightly", "--date", "2026-12-12");
        Assert.True(late.Code == 0, late.Out + late.Err);
        Assert.Contains("model OVB 2.0.0: refused — source too old: bag peildatum 2026-11-02 is 40 days old (max 35)", late.Out);
        Assert.DoesNotContain(": ran;", late.Out);
        Assert.Contains("intake: 0 messages", late.Out);
        var fresh = await p.Cli("nightly", "--date", "2026-11-05");
        Assert.Contains("model OVB 2.0.0: ran; new 4", fresh.Out); // the same data three days old is fresh enough
    }

    [Fact]
    public async Task The_reviewer_sees_the_format_and_files_of_every_snapshot_and_lineage_names_each_file()
    {
        using var p = new PipelineUnderTest();
        var demo = await p.Cli("demo", "--no-serve", "--real-formats", "--date", "2026-11-09");
        Assert.True(demo.Code == 0, demo.Out + demo.Err);
        Assert.Contains("bag 2026-11-09 5 files: accepted (lvbag-2.0)", demo.Out);
        Assert.Contains("brp 2026-11-09 gba-v-selectie.csv: accepted (gba-v-csv)", demo.Out);
        Assert.Contains("permits 2026-11-09 5 files: accepted (zgw-zaken-1.5)", demo.Out);

        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var events = (await new AppendLog(storage, StorageClients.Lineage).ReadDayAsync(DateOnly.FromDateTime(DateTime.UtcNow))).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        var bagIngest = events.Single(e => (string)e["job"]!["name"]! == "ingest.bag" && (string)e["eventType"]! == "COMPLETE");
        Assert.Equal(5, bagIngest["inputs"]!.AsArray().Count); // one input dataset per delivered part
        Assert.Contains(bagIngest["inputs"]!.AsArray(), i => ((string)i!["name"]!).EndsWith("VBO09112026-000001.xml"));

        using var program = new ProgramProcess(p.Settings);
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Functions.Review.Principal.Encode("reviewer", Functions.Review.Principal.DpiaReviewer));
        var run = await http.GetStringAsync("/review/runs/R20261109-001");
        foreach (var format in new[] { "lvbag-2.0", "gba-v-csv", "zgw-zaken-1.5" }) Assert.Contains($"<td class=\"format\">{format}", run);
        Assert.Contains("5 bestanden", run);
        Assert.Contains("zgw-mapping.json", run);
        var signal = (await new CandidateRegister(storage).ListAsync()).First(c => c.Model == "OVB");
        var lineage = await http.GetStringAsync($"/review/lineage/{signal.SignalId}");
        Assert.Contains("<td class=\"format\">lvbag-2.0", lineage);
        Assert.Contains("VBO09112026-000001.xml", lineage);
    }

    [Fact]
    public async Task Bad_deliveries_are_rejected_whole_with_a_locator_and_an_unpacked_extract_in_a_subfolder_is_read()
    {
        using var dir = new TempDir();
        var (_, realRoot) = Deliveries(dir);
        using var p = new PipelineUnderTest();
        var storage = new StorageClients(p.Azurite.ConnectionString, null);

        // A truncated LV BAG part rejects the delivery; the report names the part, the files go to quarantine.
        var bag = Path.Combine(dir.Path, "bad", "bag", "2026-11-02");
        Directory.CreateDirectory(bag);
        foreach (var f in Directory.GetFiles(Path.Combine(realRoot, "bag", "2026-11-02"))) File.Copy(f, Path.Combine(bag, Path.GetFileName(f)));
        var vbo = Directory.GetFiles(bag, "*VBO*").Single();
        var bytes = File.ReadAllBytes(vbo);
        File.WriteAllBytes(vbo, bytes[..(bytes.Length * 2 / 3)]);
        var truncated = await p.Cli("ingest", bag);
        Assert.Equal(2, truncated.Code);
        Assert.Contains("bag 2026-11-02 5 files: rejected (lvbag-2.0)", truncated.Out);
        Assert.Contains($"{Path.GetFileName(vbo)}: the XML cannot be parsed", truncated.Out);
        var quarantined = new List<string>();
        await foreach (var b in storage.Container(StorageClients.Quarantine).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "bag/2026-11-02/", default)) quarantined.Add(b.Name);
        Assert.Contains(quarantined, n => n.EndsWith("/" + Path.GetFileName(vbo)));
        var report = await storage.Container(StorageClients.Quarantine).GetBlobClient(quarantined.Single(n => n.EndsWith("quarantine-report.json"))).DownloadContentAsync();
        Assert.Contains(Path.GetFileName(vbo), report.Value.Content.ToString());

        // A BAG part in the brp folder: a format foreign to the source.
        var brp = Path.Combine(dir.Path, "foreign", "brp", "2026-11-02");
        Directory.CreateDirectory(brp);
        File.Copy(Directory.GetFiles(Path.Combine(realRoot, "bag", "2026-11-02"), "*NUM*").Single(), Path.Combine(brp, "personen.xml"));
        File.Copy(Path.Combine(realRoot, "brp", "2026-11-02", "gba-v-selectie.csv"), Path.Combine(brp, "gba-v-selectie.csv"));
        var foreign = await p.Cli("ingest", brp);
        Assert.Equal(2, foreign.Code);
        Assert.Contains("personen.xml is lvbag-2.0, which brp does not take", foreign.Out);

        // A Haal Centraal file cut off mid-body: rejected whole, in words of our own (a parser's message may quote the content).
        var hc = Path.Combine(dir.Path, "broken", "brp", "2026-11-03");
        Directory.CreateDirectory(hc);
        File.WriteAllText(Path.Combine(hc, "personen.json"), "[{\"type\":\"RaadpleegMetBurgerservicenummer\",\"personen\":[{\"burgerservicenummer\":\"999993653\",");
        var broken = await p.Cli("ingest", hc);
        Assert.Equal(2, broken.Code);
        Assert.Contains("rejected (brp-personen-v2)", broken.Out);
        Assert.True(broken.Out.Contains("is not valid brp-personen-v2: invalid JSON"), broken.Out);
        Assert.DoesNotContain("999993653", broken.Out);

        // The parts unpacked into a subfolder of the date folder are one delivery, read as such.
        var nested = Path.Combine(dir.Path, "nested", "bag", "2026-11-02", "BAGGEM1771L-02112026");
        Directory.CreateDirectory(nested);
        foreach (var f in Directory.GetFiles(Path.Combine(realRoot, "bag", "2026-11-02"))) File.Copy(f, Path.Combine(nested, Path.GetFileName(f)));
        var ok = await p.Cli("ingest", Path.Combine(dir.Path, "nested"));
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Contains("bag 2026-11-02 5 files: accepted (lvbag-2.0)", ok.Out);
    }

    [Fact]
    public async Task A_legal_entity_known_by_its_RSIN_joins_BIB_and_is_revealed_as_such()
    {
        using var dir = new TempDir();
        var (_, realRoot) = Deliveries(dir);
        // The horeca applicant and the company with the dwangsom: in the zaaksysteem only by RSIN (innNnpId).
        foreach (var source in new[] { "permits", "enforcement" })
        {
            var path = Path.Combine(realRoot, source, "2026-11-02", "rollen.json");
            File.WriteAllText(path, File.ReadAllText(path).Replace("{\"kvkNummer\":\"87654321\"}", "{\"innNnpId\":\"123456782\"}"));
        }
        using var p = new PipelineUnderTest();
        foreach (var source in new[] { "bag", "brp", "permits", "enforcement" })
            Assert.Equal(0, (await p.Cli("ingest", Path.Combine(realRoot, source, "2026-11-02"))).Code);
        Assert.Equal(0, (await p.Cli("nightly", "--date", "2026-11-02")).Code);
        var bib = (await new CandidateRegister(new StorageClients(p.Azurite.ConnectionString, null)).ListAsync()).Single(c => c.Model == "BIB");
        Assert.Equal("subject en object", bib.Evidence["match"]);
        Assert.StartsWith("R", Assert.Single(bib.Subjects));
        var export = await p.Cli("signals", "export", "--format", "csv", "--reveal", "--reason", "Test: RSIN als betrokkene");
        Assert.Equal(0, export.Code);
        Assert.Contains(",123456782,", export.Out);
        Assert.DoesNotContain("123456782", await p.RegisterContents()); // only the pseudonym is stored
    }
}
