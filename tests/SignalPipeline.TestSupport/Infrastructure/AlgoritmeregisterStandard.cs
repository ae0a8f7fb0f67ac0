using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>Checks an entry against the Algoritmeregister publication standard's field definitions
/// (tests/fixtures/algoritmeregister/publicatiestandaard-v1_0.json, copied from shared/formats): known fields only, required fields present and
/// non-empty, max_length, permitted_values, array items with their own definitions, allowed HTML tags.</summary>
public static class AlgoritmeregisterStandard
{
    public static string DefinitionsPath => Path.Combine(SignalPipeline.Functions.Configuration.PipelineSettings.FindProjectRoot(), "tests", "fixtures", "algoritmeregister", "publicatiestandaard-v1_0.json");

    public static List<string> Validate(JsonObject entry)
    {
        var definitions = JsonNode.Parse(File.ReadAllText(DefinitionsPath))!["properties"]!.AsObject();
        var errors = new List<string>();
        foreach (var (name, _) in entry.Where(p => !definitions.ContainsKey(p.Key))) errors.Add($"{name}: not a field of the standard");
        foreach (var (name, defNode) in definitions) CheckField(name, entry[name], defNode!.AsObject(), errors);
        return errors;
    }

    static bool Required(JsonObject def) => def["required"] is JsonValue v && (v.TryGetValue<bool>(out var b) ? b : v.GetValue<string>() == "true");

    static void CheckField(string name, JsonNode? value, JsonObject def, List<string> errors)
    {
        var empty = value is null || value is JsonValue v && v.TryGetValue<string>(out var s0) && s0.Length == 0 || value is JsonArray { Count: 0 };
        if (empty) { if (Required(def)) errors.Add($"{name}: required"); return; }
        var type = def["type"]?.GetValue<string>();
        var permitted = def["permitted_values"] is JsonArray pv ? pv.Select(x => x!.GetValue<string>()).ToHashSet() : null;
        switch (type)
        {
            case "string":
                if (value is not JsonValue sv || !sv.TryGetValue<string>(out var s)) { errors.Add($"{name}: must be a string"); return; }
                if (def["max_length"] is { } max && s.Length > max.GetValue<int>()) errors.Add($"{name}: longer than {max}");
                var tags = Regex.Matches(s, @"</?([a-zA-Z0-9]+)[^>]*>").Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet();
                var allowedTags = def["allowed_html_tags"] is JsonArray at ? at.Select(x => x!.GetValue<string>()).ToHashSet() : [];
                foreach (var t in tags.Where(t => !allowedTags.Contains(t))) errors.Add($"{name}: HTML tag <{t}> not allowed");
                break;
            case "enum":
                if (value is not JsonValue ev || !ev.TryGetValue<string>(out var e) || permitted?.Contains(e) != true) errors.Add($"{name}: not a permitted value");
                break;
            case "array":
                if (value is not JsonArray arr) { errors.Add($"{name}: must be an array"); return; }
                foreach (var item in arr)
                {
                    if (permitted is not null && (item is not JsonValue iv || !iv.TryGetValue<string>(out var i) || !permitted.Contains(i))) errors.Add($"{name}: item not a permitted value");
                    if (def["items"] is JsonObject itemDefs)
                    {
                        if (item is not JsonObject io) { errors.Add($"{name}: items must be objects"); continue; }
                        foreach (var (sub, subDef) in itemDefs) CheckField($"{name}.{sub}", io[sub], subDef!.AsObject(), errors);
                        foreach (var extra in io.Select(p => p.Key).Where(k => !itemDefs.ContainsKey(k))) errors.Add($"{name}.{extra}: not a field of the standard");
                    }
                }
                break;
        }
    }
}
