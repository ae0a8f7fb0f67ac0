using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalPipeline.Functions.Configuration;

public static class Json
{
    /// <summary>snake_case for everything the pipeline stores or exports.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    public static string Serialize<T>(T value, bool indented = false) => JsonSerializer.Serialize(value, indented ? Indented : Options);
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
    public static T Deserialize<T>(BinaryData data) => JsonSerializer.Deserialize<T>(data.ToMemory().Span, Options)!;
}
