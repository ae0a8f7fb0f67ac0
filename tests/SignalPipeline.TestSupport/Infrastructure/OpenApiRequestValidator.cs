using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>Checks a request body against a component schema of an OpenAPI 3.0 document (YAML): $ref, allOf, oneOf with
/// a discriminator mapping, type, required, properties, enum, maxLength/minLength, format date and uri, nullable.
/// Enough for what the ZGW Zaken API asks of zaak, rol and zaakobject requests; small enough to trust by its own test.</summary>
public sealed class OpenApiRequestValidator
{
    readonly JsonObject schemas;

    public OpenApiRequestValidator(string yamlPath)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(yamlPath)) stream.Load(reader);
        schemas = Convert(stream.Documents[0].RootNode)!["components"]!["schemas"]!.AsObject();
    }

    public List<string> Validate(JsonNode? body, string schemaName)
    {
        var errors = new List<string>();
        Check(body, Ref(schemaName), "$", errors);
        return errors;
    }

    JsonObject Ref(string name) => schemas[name]?.AsObject() ?? throw new ArgumentException($"no schema {name}");
    JsonObject Resolve(JsonObject s) => s["$ref"] is { } r ? Ref(r.GetValue<string>().Split('/').Last()) : s;

    void Check(JsonNode? value, JsonObject schema, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && schema["type"] is not null) errors.Add($"{at}: null is not allowed");
            return;
        }
        foreach (var part in schema["allOf"]?.AsArray() ?? []) Check(value, part!.AsObject(), at, errors);
        if (schema["discriminator"] is JsonObject d && value is JsonObject o)
        {
            var key = o[d["propertyName"]!.GetValue<string>()]?.GetValue<string>();
            if (key is null || d["mapping"]?[key] is not { } target) { errors.Add($"{at}: unknown {d["propertyName"]} '{key}'"); return; }
            Check(value, Ref(target.GetValue<string>().Split('/').Last()), at, errors);
            return;
        }
        var type = schema["type"]?.GetValue<string>();
        switch (type)
        {
            case "object" when value is not JsonObject: errors.Add($"{at}: expected an object"); return;
            case "array" when value is not JsonArray: errors.Add($"{at}: expected an array"); return;
            case "string" when value is not JsonValue sv || !sv.TryGetValue<string>(out _): errors.Add($"{at}: expected a string"); return;
            case "integer" or "number" when value is not JsonValue nv || !nv.TryGetValue<double>(out _): errors.Add($"{at}: expected a number"); return;
            case "boolean" when value is not JsonValue bv || !bv.TryGetValue<bool>(out _): errors.Add($"{at}: expected a boolean"); return;
        }
        if (value is JsonObject obj)
        {
            foreach (var req in schema["required"]?.AsArray() ?? [])
                if (!obj.ContainsKey(req!.GetValue<string>())) errors.Add($"{at}: {req} is required");
            if (schema["properties"] is JsonObject props)
                foreach (var (name, v) in obj)
                    if (props[name] is JsonObject p)
                    {
                        if (Resolve(p)["readOnly"]?.GetValue<bool>() == true) errors.Add($"{at}.{name}: read-only, not to be sent");
                        else Check(v, p, $"{at}.{name}", errors);
                    }
        }
        if (value is JsonValue str && str.TryGetValue<string>(out var s))
        {
            if (schema["enum"] is JsonArray e && !e.Select(x => x?.ToString()).Contains(s)) errors.Add($"{at}: '{s}' is not one of the allowed values");
            if (schema["maxLength"] is { } max && s.Length > max.GetValue<long>()) errors.Add($"{at}: longer than {max}");
            if (schema["minLength"] is { } min && s.Length < min.GetValue<long>()) errors.Add($"{at}: shorter than {min}");
            if (schema["format"]?.GetValue<string>() == "date" && !DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) errors.Add($"{at}: not a date");
            if (schema["format"]?.GetValue<string>() == "uri" && !Uri.TryCreate(s, UriKind.Absolute, out _)) errors.Add($"{at}: not a URI");
        }
    }

    /// <summary>YAML to JSON: mappings, sequences, and scalars as booleans, integers or strings (enough for schema keywords).</summary>
    static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode q => new JsonArray(q.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p when p.Value is "true" or "false" => JsonValue.Create(p.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p when long.TryParse(p.Value, out var n) => JsonValue.Create(n),
        YamlScalarNode p => JsonValue.Create(p.Value),
        _ => null,
    };
}
