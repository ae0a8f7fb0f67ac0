using System.Text.Json;

namespace SignalPipeline.Functions.Triggers;

/// <summary>What the Functions host POSTs to a custom handler: trigger and input data by binding name, and metadata.</summary>
public sealed record InvocationRequest(Dictionary<string, JsonElement>? Data, Dictionary<string, JsonElement>? Metadata)
{
    /// <summary>A binding's payload as text: queue messages come as a JSON string (possibly holding JSON), events as objects.</summary>
    public string? Text(string binding) =>
        Data is not null && Data.TryGetValue(binding, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;
}

/// <summary>What a custom handler answers. The host reads these names in PascalCase.</summary>
public sealed record InvocationResponse(Dictionary<string, object?> Outputs, List<string> Logs, object? ReturnValue)
{
    public static readonly JsonSerializerOptions HostJson = new() { PropertyNamingPolicy = null };

    public static InvocationResponse Ok(List<string> logs, object? value = null) => new([], logs, value);
}
