using SignalPipeline.Functions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The demo path on Azurite through the operator CLI: sample extracts → ingest → nightly → intake → register,
/// then export, and a scan of everything stored for plain identifiers.</summary>
public sealed class WholePathTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();
    static readonly DateOnly Day = new(2026, 11, 2);

    async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        var code = await CliApp.RunAsync(args, o, e, azurite.Settings(dir.Path));
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Demo_raises_OVB_candidates_into_the_register_and_stores_no_plain_identifier()
    {
        var (code, output, err) = await Cli("demo", "--no-serve", "--date", "2026-11-02");
        Assert.True(code == 0, output + err);
        Assert.Contains("nationaliteit (never permitted", output);
        // The generator's planted situations, model by model (SampleExtracts' summary).
        foreach (var (model, n) in Planted)
            Assert.Contains($"model {model} 2.0.0: ran; new {n}, continuing 0, resolved 0", output);
        Assert.Contains($"intake: {Planted.Values.Sum()} messages taken into the signalenregister", output);

        var storage = new StorageClients(azurite.ConnectionString, null);
        var candidates = await new CandidateRegister(storage).ListAsync();
        Assert.Equal(Planted.Values.Sum(), candidates.Count);
        Assert.Equal(4, candidates.Count(c => c.Model == "OVB"));
        Assert.All(candidates, c => Assert.Equal(Analysis.Signals.ReviewState.Open, c.Review));
        Assert.Contains(candidates, c => c.Model == "OVB" && c.Evidence["residents"] == "7" && c.Evidence["oppervlakte"] == "38");
        Assert.All(candidates, c => Assert.Equal(4, c.Lineage.Snapshots.Count));
        Assert.Contains(candidates, c => c.Model == "BIB" && c.Evidence["match"] == "subject en object" && c.Subjects.Single().StartsWith('K'));

        // Nothing plain in storage: every BSN, VBO/pand/nummeraanduiding id, postcode and surname of the input files.
        var plain = PlainValues(Path.Combine(dir.Path, "demo-extracts"));
        Assert.True(plain.Count > 1000, $"expected many plain values, got {plain.Count}");
        var stored = await StorageScan.AllTextAsync(storage);
        Assert.Contains(stored, s => s.Where.EndsWith("data.parquet"));
        // Case-sensitive on purpose: pseudonyms are lower-case hex, so "5661ab" inside one is chance, not a leak;
        // the plain postcodes are upper case. The message names the place, never the value.
        foreach (var (where, text) in stored)
            foreach (var value in plain)
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"plain value found in {where}");
        Assert.DoesNotContain(stored, s => s.Text.Contains("Poolse") || s.Text.Contains("Roemeense"));

        // The same delivery again changes nothing: every file is a duplicate, the same night classifies the same way.
        var again = await Cli("demo", "--no-serve", "--date", "2026-11-02");
        Assert.Equal(0, again.Code);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(again.Out, ": duplicate").Count);
        Assert.Equal(Planted.Values.Sum(), (await new CandidateRegister(storage).ListAsync()).Count);

        // Export: pseudonyms only, unless revealed with a reason (audited).
        var export = await Cli("signals", "export", "--format", "json");
        Assert.Equal(0, export.Code);
        var lines = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Planted.Values.Sum(), lines.Length);
        Assert.All(lines, l => Assert.DoesNotContain("\"verblijfsobject_id\"", l));
        var noReason = await Cli("signals", "export", "--reveal");
        Assert.Equal(1, noReason.Code);
        Assert.Contains("--reason", noReason.Err);
        var csvPath = dir.File("export.csv");
        var revealed = await Cli("signals", "export", "--format", "csv", "--reveal", "--reason", "Test: controle export", "--out", csvPath);
        Assert.Equal(0, revealed.Code);
        var csv = await File.ReadAllTextAsync(csvPath);
        Assert.StartsWith(string.Join(',', Functions.Pipeline.ExportService.CsvColumns), csv);
        Assert.Matches(@",1771010\d{9},\d{4}[A-Z]{2} \d+", csv);
        var audit = await new AuditLog(storage).ReadDayAsync(DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Contains(audit, a => a.Action == "export-reveal" && a.Reason == "Test: controle export");
    }

    [Fact]
    public async Task Ingest_exit_code_is_2_for_a_rejected_file_and_the_file_goes_to_quarantine()
    {
        var path = SampleExtracts.WriteCsv(Path.Combine(dir.Path, "bad"), "bag", "2026-10-01", ';', ["verblijfsobject_id", "postcode"], [["1771010000000001", "1234AB"]]);
        var (code, output, _) = await Cli("ingest", path);
        Assert.Equal(2, code);
        Assert.Contains("rejected", output);
        Assert.Contains("lacks the required column", output);
        var storage = new StorageClients(azurite.ConnectionString, null);
        var names = new List<string>();
        await foreach (var b in storage.Container(StorageClients.Quarantine).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "bag/2026-10-01/", default)) names.Add(b.Name);
        Assert.Contains(names, n => n.EndsWith("/bag-2026-10-01.csv"));
        Assert.Contains(names, n => n.EndsWith("/quarantine-report.json"));
    }

    [Fact]
    public async Task Nightly_without_snapshots_refuses_the_model_and_exits_0()
    {
        var (code, output, _) = await Cli("nightly", "--date", "2001-01-01");
        Assert.Equal(0, code);
        Assert.Contains("refused — ", output);
        Assert.Contains("no accepted snapshot", output);
    }

    static readonly Dictionary<string, int> Planted = new() { ["OVB"] = 4, ["NWF"] = 1, ["ONG"] = 2, ["BRF"] = 1, ["HHC"] = 2, ["BIB"] = 1 };

    static HashSet<string> PlainValues(string root)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        var identifying = new[] { "bsn", "verblijfsobject_id", "nummeraanduiding_id", "pand_id", "postcode", "geslachtsnaam", "aanvrager_bsn", "aanvrager_kvk", "betrokkene_kvk", "zaak_id" };
        foreach (var file in Directory.EnumerateFiles(root, "*.csv", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            var sep = lines[0].Contains(';') ? ';' : ',';
            var header = lines[0].Split(sep);
            foreach (var line in lines.Skip(1))
            {
                var cells = line.Split(sep);
                for (var i = 0; i < header.Length && i < cells.Length; i++)
                    if (identifying.Contains(header[i]) && cells[i].Length >= 4)
                        values.Add(header[i] == "postcode" ? cells[i].Replace(" ", "").ToUpperInvariant() : cells[i]);
            }
        }
        return values;
    }

    public void Dispose() => dir.Dispose();
}
