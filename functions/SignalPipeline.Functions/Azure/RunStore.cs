using System.Text;
using Azure;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Functions.Azure;

/// <summary>Run records and the signals of each run, in the <c>runs</c> container (<c>{runId}/run.json</c>,
/// <c>{runId}/signals.jsonl</c>) and indexed in the <c>runs</c> table. Run ids sort by reference date, then start.</summary>
public sealed class RunStore(StorageClients storage)
{
    public static string NewRunId(DateOnly referenceDate, DateTimeOffset startedUtc) =>
        $"R{referenceDate:yyyyMMdd}-{startedUtc.UtcDateTime:yyyyMMddHHmmssfff}";

    public async Task SaveAsync(RunOutcome outcome, CancellationToken ct = default)
    {
        var container = storage.Container(StorageClients.Runs);
        var id = outcome.Record.RunId;
        await ReplaceSignalsAsync(id, outcome.Signals, ct);
        await SnapshotStore.UploadJsonAsync(container, $"{id}/run.json", outcome.Record, ct);
        await storage.Table(StorageClients.RunsTable).UpsertEntityAsync(new TableEntity("run", id)
        {
            ["ReferenceDate"] = outcome.Record.ReferenceDate, ["Trigger"] = outcome.Record.Trigger, ["Status"] = outcome.Record.Status,
        }, TableUpdateMode.Replace, ct);
    }

    public async Task ReplaceSignalsAsync(string runId, IReadOnlyList<RunSignal> signals, CancellationToken ct = default)
    {
        var lines = new StringBuilder();
        foreach (var s in signals) lines.Append(Json.Serialize(s)).Append('\n');
        await storage.Container(StorageClients.Runs).GetBlobClient($"{runId}/signals.jsonl").UploadAsync(BinaryData.FromString(lines.ToString()), overwrite: true, ct);
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken ct = default)
    {
        var ids = new List<string>();
        await foreach (var e in storage.Table(StorageClients.RunsTable).QueryAsync<TableEntity>(e => e.PartitionKey == "run", cancellationToken: ct))
            ids.Add(e.RowKey);
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    public async Task<string?> LatestIdAsync(CancellationToken ct = default) => (await ListIdsAsync(ct)).LastOrDefault();

    /// <summary>The run to compare with: the latest run of an earlier reference date. A re-run of the same night
    /// compares with the same predecessor, so it classifies the same way.</summary>
    public async Task<string?> PreviousIdAsync(DateOnly referenceDate, CancellationToken ct = default)
    {
        var bound = $"R{referenceDate:yyyyMMdd}";
        return (await ListIdsAsync(ct)).LastOrDefault(id => string.CompareOrdinal(id, bound) < 0);
    }

    public async Task<RunRecord?> GetAsync(string runId, CancellationToken ct = default)
    {
        try { return Json.Deserialize<RunRecord>((await storage.Container(StorageClients.Runs).GetBlobClient($"{runId}/run.json").DownloadContentAsync(ct)).Value.Content); }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    public async Task<IReadOnlyList<RunSignal>> GetSignalsAsync(string runId, CancellationToken ct = default)
    {
        try
        {
            var text = (await storage.Container(StorageClients.Runs).GetBlobClient($"{runId}/signals.jsonl").DownloadContentAsync(ct)).Value.Content.ToString();
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Json.Deserialize<RunSignal>).ToList();
        }
        catch (RequestFailedException e) when (e.Status == 404) { return []; }
    }
}
