using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Publication;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Review;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Issue 6: OpenLineage events valid against the 2-0-2 schemas, Algoritmeregister entries valid against
/// the v1.0 field definitions, a signal followed back to the SHA-256 of its files, and the reviewer kept away from
/// content and identities.</summary>
public sealed class LineageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();
    static string Formats => Path.Combine(SignalPipeline.Functions.Configuration.PipelineSettings.FindProjectRoot(), "tests", "fixtures");
    static readonly SchemaValidator Validator = new(Directory.GetFiles(Path.Combine(Formats, "openlineage"), "*.json"));
    const string Root = "https://openlineage.io/spec/2-0-2/OpenLineage.json";

    static readonly Dictionary<string, string> FacetSchemas = new()
    {
        ["schema"] = "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json",
        ["dataSource"] = "https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json",
        ["columnLineage"] = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
        ["errorMessage"] = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json",
        ["nominalTime"] = "https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json",
    };

    /// <summary>The event against the root schema, and every standard facet against its own facet schema.</summary>
    static List<string> ValidateEvent(JsonObject ev)
    {
        var errors = Validator.Validate(ev, Root);
        var facets = new List<(string Name, JsonNode Facet)>();
        foreach (var ds in (ev["inputs"]?.AsArray() ?? []).Concat(ev["outputs"]?.AsArray() ?? []))
            foreach (var (name, f) in ds!["facets"]?.AsObject() ?? []) facets.Add((name, f!));
        foreach (var (name, f) in ev["run"]!["facets"]?.AsObject() ?? []) facets.Add((name, f!));
        foreach (var (name, facet) in facets.Where(f => FacetSchemas.ContainsKey(f.Name)))
            errors.AddRange(Validator.Validate(new JsonObject { [name] = facet.DeepClone() }, FacetSchemas[name]).Select(e => $"{name}: {e}"));
        return errors;
    }

    [Fact]
    public void The_validator_rejects_what_the_schema_forbids()
    {
        var good = JsonNode.Parse("""{"eventType":"START","eventTime":"2026-11-23T01:00:00Z","producer":"urn:x","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent","run":{"runId":"0b7c3a1e-0000-8000-8000-000000000001"},"job":{"namespace":"n","name":"j"}}""")!.AsObject();
        Assert.Empty(ValidateEvent(good));
        var wrongType = good.DeepClone().AsObject(); wrongType["eventType"] = "BOGUS";
        Assert.NotEmpty(ValidateEvent(wrongType));
        var noRunId = good.DeepClone().AsObject(); noRunId["run"] = new JsonObject();
        Assert.NotEmpty(ValidateEvent(noRunId));
        var badUuid = good.DeepClone().AsObject(); badUuid["run"] = new JsonObject { ["runId"] = "run-1" };
        Assert.NotEmpty(ValidateEvent(badUuid));
        var badFacet = good.DeepClone().AsObject();
        badFacet["run"]!["facets"] = new JsonObject { ["errorMessage"] = new JsonObject { ["message"] = "x" } }; // no _producer, _schemaURL
        Assert.NotEmpty(ValidateEvent(badFacet));
    }

    [Fact]
    public async Task Demo_emits_valid_OpenLineage_events_with_masked_columns_and_reviewer_pages_trace_signals_to_file_hashes()
    {
        var settings = azurite.Settings(dir.Path);
        Assert.Equal(0, await CliApp.RunAsync(["demo", "--no-serve", "--date", "2026-11-07"], TextWriter.Null, TextWriter.Null, settings));
        // One rejected delivery, for a FAIL event.
        var bad = SampleExtracts.WriteCsv(Path.Combine(dir.Path, "bad"), "bag", "2026-11-08", ';', ["verblijfsobject_id"], [["1771010000000001"]]);
        Assert.Equal(2, await CliApp.RunAsync(["ingest", bad], TextWriter.Null, TextWriter.Null, settings));

        var storage = new StorageClients(azurite.ConnectionString, null);
        var lines = await new AppendLog(storage, StorageClients.Lineage).ReadDayAsync(DateOnly.FromDateTime(DateTime.UtcNow));
        var events = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        foreach (var ev in events) Assert.True(ValidateEvent(ev) is var errors && errors.Count == 0, string.Join("\n", ValidateEvent(ev)));

        var byJob = events.GroupBy(e => e["job"]!["name"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Select(e => e["eventType"]!.GetValue<string>()).ToList());
        foreach (var job in new[] { "ingest.brp", "ingest.bag", "ingest.permits", "ingest.enforcement", "nightly" })
        {
            Assert.Contains("START", byJob[job]);
            Assert.Contains("COMPLETE", byJob[job]);
        }
        Assert.Contains("FAIL", byJob["ingest.bag"]);

        var brp = events.Single(e => e["job"]!["name"]!.GetValue<string>() == "ingest.brp" && e["eventType"]!.GetValue<string>() == "COMPLETE");
        var columns = brp["outputs"]![0]!["facets"]!["columnLineage"]!["fields"]!.AsObject();
        bool Masked(string col) => columns[col]!["inputFields"]![0]!["transformations"]![0]!["masking"]!.GetValue<bool>();
        Assert.True(Masked("bsn"));
        Assert.True(Masked("adres"));
        Assert.True(Masked("_envelope"));
        Assert.False(Masked("functie_adres"));
        Assert.False(columns.ContainsKey("nationaliteit"));
        Assert.Contains("nationaliteit", brp["inputs"]![0]!["facets"]!["schema"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Assert.DoesNotMatch(@"\b\d{9}\b", string.Join("\n", lines)); // no BSN-shaped value anywhere in lineage

        // The reviewer follows a signal back to the SHA-256 of the delivered files.
        using var program = new ProgramProcess(settings);
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Principal.Encode("reviewer", Principal.DpiaReviewer));
        var signal = (await new CandidateRegister(storage).ListAsync()).First(c => c.Model == "BIB");
        var lineagePage = await http.GetStringAsync($"/review/lineage/{signal.SignalId}");
        foreach (var file in Directory.GetFiles(Path.Combine(dir.Path, "demo-extracts"), "*.csv", SearchOption.AllDirectories).Where(f => f.Contains("2026-11-07")))
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))), lineagePage);
        var runLink = Regex.Match(lineagePage, "href=\"/review/runs/(R[^\"]+)\"").Groups[1].Value;
        var runPage = await http.GetStringAsync($"/review/runs/{runLink}");
        Assert.Contains("nationaliteit (never permitted", runPage);
        Assert.Contains("DPIA-DEMO-2026-03", runPage);
        Assert.Contains("id=\"areas\"", runPage);
        Assert.Contains("id=\"shadow-link\"", runPage);
        var shadowPage = await http.GetStringAsync($"/review/runs/{runLink}/schaduw");
        Assert.Contains("id=\"shadow-ANO\"", shadowPage);   // the shadow model's evidence for the DPIA
        Assert.Contains("model_sha256", shadowPage);
        var runEvents = (await http.GetStringAsync($"/review/runs/{runLink}/openlineage")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["START", "COMPLETE"], runEvents.Select(e => JsonNode.Parse(e)!["eventType"]!.GetValue<string>()).ToArray());
        var models = await http.GetStringAsync("/review/models");
        Assert.Contains("Overbewoning (OVB 2.0.0)", models);
        Assert.Contains("minder dan 12 m² per volwassene", models);

        // No content, no identities for the reviewer.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/review")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/review/signals/{signal.SignalId}")).StatusCode);
        var reveal = await http.PostAsync($"/review/signals/{signal.SignalId}/reveal", new FormUrlEncodedContent([new("reason", "Nieuwsgierigheid van de reviewer")]));
        Assert.True(reveal.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"reveal answered {reveal.StatusCode}");
        Assert.DoesNotContain("\"evidence\"", lineagePage);
        Assert.DoesNotContain(signal.Object!, lineagePage);
    }

    [Fact]
    public void Algoritmeregister_entries_satisfy_the_v1_field_definitions()
    {
        var register = TestData.DemoRegister();
        foreach (var a in register.Models)
        {
            var entry = AlgoritmeregisterEntry.For(a, register);
            Assert.True(AlgoritmeregisterStandard.Validate(entry) is { Count: 0 }, $"{a.Id}: {string.Join("; ", AlgoritmeregisterStandard.Validate(entry))}");
            Assert.Equal(a.Status == ApprovalStatus.Experimental ? "In ontwikkeling" : "In gebruik", entry["status"]!.GetValue<string>());
            Assert.Contains(a.DpiaReference, entry["impacttoetsen"]!.GetValue<string>());
            // The type of algorithm is what it is: ANO learns from the data, the others are rules.
            var learning = a.Id == "ANO";
            Assert.Equal(learning ? "Hoog-risico AI-systeem" : "Impactvolle algoritmes", entry["publication_category"]!.GetValue<string>());
            Assert.Equal(learning, entry["methods_and_models"]!.GetValue<string>().StartsWith("Zelflerend model"));
        }
        var suspended = TestData.RegisterWith(j => j.Replace("\"status\": \"approved\"", "\"status\": \"suspended\""));
        Assert.Equal("Buiten gebruik", AlgoritmeregisterEntry.For(suspended.Models[0], suspended)["status"]!.GetValue<string>());
    }

    [Fact]
    public void The_field_check_finds_the_faults_in_the_standards_own_test_files()
    {
        // example-algorithm-1 uses lang "xxx", category "Bestuur" and fields outside the standard.
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(Formats, "algoritmeregister", "example-algorithm-1.json")))!.AsObject();
        var errors = AlgoritmeregisterStandard.Validate(example);
        Assert.Contains(errors, e => e.StartsWith("lang:"));
        Assert.Contains(errors, e => e.StartsWith("category:"));
        Assert.Contains(errors, e => e.StartsWith("uuid:"));
    }

    public void Dispose() => dir.Dispose();
}
