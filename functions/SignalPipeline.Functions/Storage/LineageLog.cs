using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SignalPipeline.Functions.Storage;

/// <summary>OpenLineage events as JSON lines in the <c>lineage</c> container, and optionally POSTed to a configured
/// endpoint (e.g. Marquez's <c>/api/v1/lineage</c>). A failing endpoint never fails a run: the event is in storage.</summary>
public sealed class LineageLog(StorageClients storage, string? endpoint, TextWriter log)
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    readonly AppendLog lines = new(storage, StorageClients.Lineage);

    public async Task EmitAsync(JsonObject ev, CancellationToken ct = default)
    {
        await lines.AppendAsync(DateTimeOffset.Parse(ev["eventTime"]!.GetValue<string>()), ev, ct);
        if (endpoint is null) return;
        try
        {
            using var response = await Http.PostAsJsonAsync(endpoint, ev, ct);
            if (!response.IsSuccessStatusCode) log.WriteLine($"lineage: {endpoint} answered {(int)response.StatusCode}; the event is kept in storage");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            log.WriteLine($"lineage: {endpoint} unreachable ({e.GetType().Name}); the event is kept in storage");
        }
    }

    /// <summary>The events of one run (by its OpenLineage run id), from the days they may have been written on.</summary>
    public async Task<IReadOnlyList<JsonObject>> ForRunAsync(Guid runId, IEnumerable<DateOnly> days, CancellationToken ct = default)
    {
        var found = new List<JsonObject>();
        foreach (var day in days.Distinct())
            foreach (var line in await lines.ReadDayAsync(day, ct))
                if (JsonNode.Parse(line) is JsonObject o && o["run"]?["runId"]?.GetValue<string>() == runId.ToString()) found.Add(o);
        return found;
    }
}
