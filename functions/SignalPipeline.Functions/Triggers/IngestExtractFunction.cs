using System.Text.Json;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Triggers;

/// <summary>queueTrigger on <c>extract-arrivals</c>: the message is an Event Grid BlobCreated event (Event Grid or
/// CloudEvents schema). Only the blob name travels; the blob itself is streamed by <see cref="IngestService"/>.</summary>
public sealed class IngestExtractFunction(IngestService ingest)
{
    public const string Name = "IngestExtract";

    public async Task<(int Status, InvocationResponse Response)> InvokeAsync(InvocationRequest request, CancellationToken ct)
    {
        var logs = new List<string>();
        var body = request.Text("event");
        if (body is null) return (400, InvocationResponse.Ok(["IngestExtract: no 'event' binding in the invocation"]));
        JsonElement evt;
        try { evt = JsonDocument.Parse(IntakeService.Decode(body)).RootElement; }
        catch (JsonException) { return (400, InvocationResponse.Ok(["IngestExtract: the event is not JSON"])); }
        if (evt.ValueKind == JsonValueKind.Array && evt.GetArrayLength() > 0) evt = evt[0];

        var type = Str(evt, "eventType") ?? Str(evt, "type");
        if (type != "Microsoft.Storage.BlobCreated")
            return (200, InvocationResponse.Ok([$"IngestExtract: ignored event of type {type ?? "(none)"}"]));
        var url = evt.TryGetProperty("data", out var data) ? Str(data, "url") : null;
        var name = IngestService.BlobNameFromEvent(Str(evt, "subject"), url);
        if (name is null) return (200, InvocationResponse.Ok(["IngestExtract: the event is not about the extracts container; ignored"]));

        try
        {
            var outcome = await ingest.IngestBlobAsync(name, p => logs.Add($"{name}: {p.Rows} rows read"), ct);
            var m = outcome.Manifest;
            logs.Add($"{name}: {outcome.Outcome}" + (m is null ? "" : $" ({m.Format}), rows read {m.RowsRead}, accepted {m.RowsAccepted}, rejected {m.RowsRejected}, duplicate {m.RowsDuplicate}")
                + (outcome.Message is null ? "" : $" — {outcome.Message}"));
            return (200, InvocationResponse.Ok(logs, new { blob = name, outcome = outcome.Outcome, format = m?.Format, snapshot_id = m?.SnapshotId, rejection_reason = m?.RejectionReason }));
        }
        catch (KeysUnavailableException e)
        {
            // Fail closed and let the host retry (and finally poison the message): nothing was written.
            logs.Add($"{name}: {e.Message}");
            return (500, InvocationResponse.Ok(logs));
        }
    }

    static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
