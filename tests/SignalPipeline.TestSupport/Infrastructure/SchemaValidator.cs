using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>A JSON Schema (2020-12) validator for the keywords the OpenLineage 2-0-2 schemas use: $ref (local and
/// across documents by $id), allOf/anyOf/oneOf/not, type, properties, required, additionalProperties, items, enum,
/// const, and the formats uri, date-time and uuid. No NuGet validator that restores here reads $defs; this one is
/// small enough to check by its own negative tests.</summary>
public sealed class SchemaValidator
{
    readonly Dictionary<string, JsonNode> documents = new(StringComparer.Ordinal);

    public SchemaValidator(IEnumerable<string> schemaFiles)
    {
        foreach (var f in schemaFiles)
        {
            var doc = JsonNode.Parse(File.ReadAllText(f))!;
            documents[doc["$id"]!.GetValue<string>()] = doc;
        }
    }

    /// <summary>Validates <paramref name="instance"/> against the document with <paramref name="id"/> (optionally a
    /// fragment like <c>#/$defs/X</c>); returns the errors, empty when valid.</summary>
    public List<string> Validate(JsonNode? instance, string id, string fragment = "")
    {
        var errors = new List<string>();
        var (doc, schema) = Resolve(id, id + fragment);
        Check(instance, schema, doc, "$", errors);
        return errors;
    }

    (string Doc, JsonNode Schema) Resolve(string currentDoc, string reference)
    {
        var hash = reference.IndexOf('#');
        var docId = hash == 0 ? currentDoc : hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        if (!documents.TryGetValue(docId, out var node)) throw new InvalidOperationException($"unknown schema document {docId}");
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
            node = node![part.Replace("~1", "/").Replace("~0", "~")] ?? throw new InvalidOperationException($"unresolved {reference}");
        return (docId, node!);
    }

    void Check(JsonNode? value, JsonNode schema, string doc, string path, List<string> errors)
    {
        if (schema is JsonValue b && b.TryGetValue<bool>(out var allowed)) { if (!allowed) errors.Add($"{path}: not allowed"); return; }
        var s = schema.AsObject();
        if (s["$ref"] is { } r) { var (d, target) = Resolve(doc, r.GetValue<string>()); Check(value, target, d, path, errors); }
        if (s["allOf"] is JsonArray all) foreach (var sub in all) Check(value, sub!, doc, path, errors);
        if (s["anyOf"] is JsonArray any && !any.Any(sub => Valid(value, sub!, doc))) errors.Add($"{path}: matches none of anyOf");
        if (s["oneOf"] is JsonArray one && one.Count(sub => Valid(value, sub!, doc)) != 1) errors.Add($"{path}: must match exactly one of oneOf");
        if (s["not"] is { } not && Valid(value, not, doc)) errors.Add($"{path}: must not match 'not'");
        if (s["enum"] is JsonArray en && !en.Any(e => JsonNode.DeepEquals(e, value))) errors.Add($"{path}: not one of the enum values");
        if (s["const"] is { } c && !JsonNode.DeepEquals(c, value)) errors.Add($"{path}: not the const value");
        if (s["type"] is { } t)
        {
            var types = t is JsonArray ta ? ta.Select(x => x!.GetValue<string>()).ToArray() : [t.GetValue<string>()];
            if (!types.Any(x => IsType(value, x))) { errors.Add($"{path}: expected {string.Join("|", types)}"); return; }
        }
        if (s["format"] is { } f && value is JsonValue sv && sv.TryGetValue<string>(out var str) && !FormatOk(f.GetValue<string>(), str))
            errors.Add($"{path}: not a valid {f.GetValue<string>()}");
        if (value is JsonObject obj)
        {
            if (s["required"] is JsonArray req)
                foreach (var name in req.Select(x => x!.GetValue<string>()).Where(n => !obj.ContainsKey(n))) errors.Add($"{path}: missing required {name}");
            var props = s["properties"] as JsonObject;
            foreach (var (name, v) in obj)
            {
                if (props?[name] is { } ps) Check(v, ps, doc, $"{path}.{name}", errors);
                else if (s["additionalProperties"] is { } ap) Check(v, ap, doc, $"{path}.{name}", errors);
            }
        }
        if (value is JsonArray arr && s["items"] is { } items)
            for (var i = 0; i < arr.Count; i++) Check(arr[i], items, doc, $"{path}[{i}]", errors);
    }

    bool Valid(JsonNode? value, JsonNode schema, string doc)
    {
        var errors = new List<string>();
        Check(value, schema, doc, "", errors);
        return errors.Count == 0;
    }

    static bool IsType(JsonNode? v, string type) => type switch
    {
        "object" => v is JsonObject,
        "array" => v is JsonArray,
        "string" => v is JsonValue s && s.TryGetValue<string>(out _),
        "boolean" => v is JsonValue b && b.TryGetValue<bool>(out _),
        "integer" => v is JsonValue i && (i.TryGetValue<long>(out _) || i.TryGetValue<int>(out _)),
        "number" => v is JsonValue n && (n.TryGetValue<double>(out _) || n.TryGetValue<long>(out _) || n.TryGetValue<decimal>(out _)),
        "null" => v is null,
        _ => false,
    };

    static bool FormatOk(string format, string s) => format switch
    {
        "uri" => Uri.TryCreate(s, UriKind.Absolute, out _),
        "uuid" => Regex.IsMatch(s, "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
        "date-time" => Regex.IsMatch(s, @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$") && DateTimeOffset.TryParse(s, out _),
        _ => true,
    };
}
