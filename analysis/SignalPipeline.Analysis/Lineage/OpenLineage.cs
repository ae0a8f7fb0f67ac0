using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Lineage;

/// <summary>OpenLineage 2-0-2 RunEvents for ingests and nightly runs, with schema, dataSource and columnLineage
/// facets. Pseudonymised and enveloped columns are marked as masking transformations. Names only, never values.</summary>
public static class OpenLineage
{
    public const string Producer = "urn:signalpipeline:v1";
    const string Spec = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    const string SchemaFacet = "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet";
    const string DataSourceFacet = "https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet";
    const string ColumnLineageFacet = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet";
    const string ErrorFacet = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
    const string NominalTimeFacet = "https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet";
    static readonly string[] AddressParts = ["postcode", "huisnummer", "huisletter", "huisnummertoevoeging"];

    /// <summary>A stable UUID for a run of ours (ingest of one snapshot, or one nightly run).</summary>
    public static Guid RunUuid(string key)
    {
        var b = SHA256.HashData(Encoding.UTF8.GetBytes("openlineage-run|" + key)).AsSpan(0, 16).ToArray();
        b[6] = (byte)((b[6] & 0x0F) | 0x80); // version 8 (custom)
        b[8] = (byte)((b[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(b, bigEndian: true);
    }

    public static string JobNamespace(string municipality) => $"signalpipeline:{municipality}";
    public static string ExtractName(SnapshotManifest m) => $"{m.Source}/{m.Date}/{m.FileName}";
    public static string SnapshotName(string source, string date, string snapshotId) => $"{source}/{date}/{snapshotId}";

    static JsonObject Facet(string schemaUrl, JsonObject body)
    {
        body["_producer"] = Producer;
        body["_schemaURL"] = schemaUrl;
        return body;
    }

    static JsonObject Event(string type, DateTimeOffset at, Guid runId, string ns, string job, JsonArray inputs, JsonArray outputs, JsonObject? runFacets = null) => new()
    {
        ["eventType"] = type,
        ["eventTime"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["producer"] = Producer,
        ["schemaURL"] = Spec,
        ["run"] = new JsonObject { ["runId"] = runId.ToString(), ["facets"] = runFacets ?? new JsonObject() },
        ["job"] = new JsonObject { ["namespace"] = ns, ["name"] = job },
        ["inputs"] = inputs,
        ["outputs"] = outputs,
    };

    static JsonObject SchemaOf(IEnumerable<string> columns) =>
        Facet(SchemaFacet, new JsonObject { ["fields"] = new JsonArray([.. columns.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["type"] = c == SnapshotTable.EnvelopeColumn ? "BINARY" : "STRING" })]) });

    static JsonObject DataSource(string name, string uri) => Facet(DataSourceFacet, new JsonObject { ["name"] = name, ["uri"] = uri });

    /// <summary>START of an ingest: the delivered file is the input; the snapshot is the intended output.</summary>
    public static JsonObject IngestStart(string municipality, string source, string date, string fileName, string snapshotId, DateTimeOffset at) =>
        Event("START", at, RunUuid("ingest|" + snapshotId), JobNamespace(municipality), $"ingest.{source}",
            [ExtractDataset(source, date, fileName, null)], []);

    /// <summary>COMPLETE (accepted) or FAIL (rejected) of an ingest, with the column lineage of the snapshot.</summary>
    public static JsonObject IngestEnd(string municipality, SnapshotManifest m, DateTimeOffset at)
    {
        var input = ExtractDataset(m.Source, m.Date, m.FileName, m.ColumnsDelivered);
        if (m.Status != "accepted")
        {
            var error = new JsonObject { ["errorMessage"] = Facet(ErrorFacet, new JsonObject { ["message"] = m.RejectionReason ?? "rejected", ["programmingLanguage"] = "C#" }) };
            return Event("FAIL", at, RunUuid("ingest|" + m.SnapshotId), JobNamespace(municipality), $"ingest.{m.Source}", [input], [], error);
        }
        var extractNs = "azblob:extracts";
        var extractName = ExtractName(m);
        JsonNode In(string field, string subtype, string description, bool masking) => new JsonObject
        {
            ["namespace"] = extractNs, ["name"] = extractName, ["field"] = field,
            ["transformations"] = new JsonArray(new JsonObject { ["type"] = "DIRECT", ["subtype"] = subtype, ["description"] = description, ["masking"] = masking }),
        };
        var fields = new JsonObject();
        var pseudo = m.ColumnsPseudonymised.ToHashSet();
        foreach (var c in m.ColumnsKept)
        {
            if (c == "adres")
            {
                fields[c] = new JsonObject { ["inputFields"] = new JsonArray([.. AddressParts.Where(m.ColumnsDelivered.Contains).Select(p => In(p, "TRANSFORMATION", $"keyed HMAC-SHA256 of the normalised address key ({m.PseudonymKeyVersion})", true))]) };
                continue;
            }
            fields[c] = new JsonObject
            {
                ["inputFields"] = new JsonArray(pseudo.Contains(c)
                    ? In(c, "TRANSFORMATION", $"keyed HMAC-SHA256 pseudonym ({m.PseudonymKeyVersion})", true)
                    : In(c, "IDENTITY", "validated and normalised", false)),
            };
        }
        if (m.ColumnsEnveloped.Count > 0)
            fields[SnapshotTable.EnvelopeColumn] = new JsonObject
            {
                ["inputFields"] = new JsonArray([.. m.ColumnsEnveloped.Select(c => In(c, "TRANSFORMATION", $"AES-256-GCM identity envelope ({m.EnvelopeKeyVersion})", true))]),
            };
        var outputColumns = m.ColumnsKept.Append(SnapshotTable.EnvelopeColumn);
        var output = new JsonObject
        {
            ["namespace"] = "azblob:snapshots",
            ["name"] = SnapshotName(m.Source, m.Date, m.SnapshotId),
            ["facets"] = new JsonObject
            {
                ["schema"] = SchemaOf(outputColumns),
                ["dataSource"] = DataSource("snapshots", "azblob://snapshots/"),
                ["columnLineage"] = Facet(ColumnLineageFacet, new JsonObject { ["fields"] = fields }),
            },
        };
        // A delivery of several files (LV BAG parts, ZGW lists, a zip's contents): each file is an input of its own.
        JsonArray inputs = m.Files.Count > 1 ? [.. m.Files.Select(f => ExtractDataset(m.Source, m.Date, f.Name, null))] : [input];
        return Event("COMPLETE", at, RunUuid("ingest|" + m.SnapshotId), JobNamespace(municipality), $"ingest.{m.Source}", inputs, [output]);
    }

    static JsonObject ExtractDataset(string source, string date, string fileName, IReadOnlyList<string>? header)
    {
        var facets = new JsonObject { ["dataSource"] = DataSource("extracts", "azblob://extracts/") };
        if (header is not null) facets["schema"] = SchemaOf(header);
        return new JsonObject { ["namespace"] = "azblob:extracts", ["name"] = $"{source}/{date}/{fileName}", ["facets"] = facets };
    }

    /// <summary>START and COMPLETE of a nightly run: snapshots in, the run's signal set out. The column lineage says
    /// which snapshot columns the models that ran read (pseudonyms only).</summary>
    public static (JsonObject Start, JsonObject End) Nightly(RunRecord run, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> readsPerModel, DateTimeOffset end)
    {
        var ns = JobNamespace(run.Municipality);
        var id = RunUuid("nightly|" + run.RunId);
        var inputs = new JsonArray([.. run.Snapshots.Select(s => (JsonNode)new JsonObject
        {
            ["namespace"] = "azblob:snapshots", ["name"] = SnapshotName(s.Source, s.Date, s.SnapshotId),
            ["facets"] = new JsonObject { ["dataSource"] = DataSource("snapshots", "azblob://snapshots/") },
        })]);
        var runFacets = new JsonObject
        {
            ["nominalTime"] = Facet(NominalTimeFacet, new JsonObject { ["nominalStartTime"] = $"{run.ReferenceDate}T00:00:00Z" }),
            ["dpiaGate"] = Facet("urn:signalpipeline:facets:DpiaGateRunFacet:1", new JsonObject
            {
                ["registerVersion"] = run.RegisterVersion, ["registerSha256"] = run.RegisterSha256,
                ["models"] = new JsonArray([.. run.Models.Select(m => (JsonNode)new JsonObject
                    { ["model"] = m.Model, ["version"] = m.Version, ["outcome"] = m.Outcome, ["reason"] = m.Reason, ["dpiaReference"] = m.DpiaReference })]),
            }),
        };
        var ran = run.Models.Where(m => m.Outcome != "refused").Select(m => m.Model).ToHashSet();
        var evidence = new JsonArray();
        foreach (var (source, column) in readsPerModel.Where(r => ran.Contains(r.Key)).SelectMany(r => r.Value.SelectMany(s => s.Value.Select(c => (s.Key, c)))).Distinct().Order())
            if (run.Snapshots.FirstOrDefault(s => s.Source == source) is { } snap)
                evidence.Add(new JsonObject
                {
                    ["namespace"] = "azblob:snapshots", ["name"] = SnapshotName(snap.Source, snap.Date, snap.SnapshotId),
                    ["field"] = column is "postcode" or "huisnummer" or "huisletter" or "huisnummertoevoeging" ? "adres" : column,
                    ["transformations"] = new JsonArray(new JsonObject { ["type"] = "INDIRECT", ["subtype"] = "FILTER", ["description"] = "read by a matching model" }),
                });
        var output = new JsonObject
        {
            ["namespace"] = "azblob:runs",
            ["name"] = $"{run.RunId}/signals",
            ["facets"] = new JsonObject
            {
                ["schema"] = SchemaOf(["signal_id", "model", "model_version", "state", "theme", "object", "subjects", "evidence"]),
                ["dataSource"] = DataSource("runs", "azblob://runs/"),
                ["columnLineage"] = Facet(ColumnLineageFacet, new JsonObject
                {
                    ["fields"] = new JsonObject { ["evidence"] = new JsonObject { ["inputFields"] = evidence } },
                }),
            },
        };
        var start = Event("START", run.StartedAt, id, ns, "nightly", inputs.DeepClone().AsArray(), [], runFacets.DeepClone().AsObject());
        var complete = Event(run.Status == "completed" ? "COMPLETE" : "FAIL", end, id, ns, "nightly", inputs, [output], runFacets);
        return (start, complete);
    }
}
