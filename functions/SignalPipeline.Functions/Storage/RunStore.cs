using System.Text;
using Azure;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Storage;

/// <summary>One row of the runs index: enough to choose predecessors and find unfinished runs without reading blobs.</summary>
/// <param name="Summary">Null for runs recorded before summaries were kept beside the index.</param>
public sealed record RunIndex(string RunId, string ReferenceDate, string Status, bool Backfill, RunSummary? Summary = null);

/// <summary>Run records and the signals of each run, in the <c>runs</c> container (<c>{runId}/run.json</c>,
/// <c>{runId}/signals.jsonl</c>) and indexed in the <c>runs</c> table. Run ids are <c>R{yyyyMMdd}-{seq:D3}</c>: they
/// sort by reference date, then by the order of runs for that date, and a resumed run keeps its id, so a run that was
/// interrupted and finished later is indistinguishable from one that was not.</summary>
public sealed class RunStore(StorageClients storage)
{
    TableClient Index => storage.Table(StorageClients.RunsTable);

    /// <summary>The next id for a reference date (callers hold the nightly lock).</summary>
    public async Task<string> NextIdAsync(DateOnly referenceDate, CancellationToken ct = default)
    {
        var prefix = $"R{referenceDate:yyyyMMdd}-";
        var n = (await ListAsync(ct)).Count(r => r.RunId.StartsWith(prefix, StringComparison.Ordinal));
        return $"{prefix}{n + 1:D3}";
    }

    /// <summary>Writes the run's signals (the outbox), then its record, then the index row: a run exists for readers only
    /// once all three are there; a crash before that leaves nothing the next attempt does not overwrite.</summary>
    public async Task SaveAsync(RunRecord record, IReadOnlyList<RunSignal> signals, CancellationToken ct = default)
    {
        await ReplaceSignalsAsync(record.RunId, signals, ct);
        await SaveRecordAsync(record, ct);
    }

    public async Task SaveRecordAsync(RunRecord record, CancellationToken ct = default)
    {
        await SnapshotStore.UploadJsonAsync(storage.Container(StorageClients.Runs), $"{record.RunId}/run.json", record, ct);
        await Index.UpsertEntityAsync(new TableEntity("run", record.RunId)
        {
            ["ReferenceDate"] = record.ReferenceDate, ["Trigger"] = record.Trigger, ["Status"] = record.Status, ["Backfill"] = record.Backfill,
            ["Summary"] = Json.Serialize(RunSummary.Of(record)),
        }, TableUpdateMode.Replace, ct);
    }

    public async Task ReplaceSignalsAsync(string runId, IReadOnlyList<RunSignal> signals, CancellationToken ct = default)
    {
        var lines = new StringBuilder();
        foreach (var s in signals) lines.Append(Json.Serialize(s)).Append('\n');
        await storage.Container(StorageClients.Runs).GetBlobClient($"{runId}/signals.jsonl").UploadAsync(BinaryData.FromString(lines.ToString()), overwrite: true, ct);
    }

    /// <summary>Every run in id order.</summary>
    public async Task<IReadOnlyList<RunIndex>> ListAsync(CancellationToken ct = default)
    {
        var runs = new List<RunIndex>();
        await foreach (var e in Index.QueryAsync<TableEntity>(e => e.PartitionKey == "run", cancellationToken: ct))
            runs.Add(new RunIndex(e.RowKey, e.GetString("ReferenceDate") ?? "", e.GetString("Status") ?? RunStatus.Completed, e.GetBoolean("Backfill") ?? false,
                e.GetString("Summary") is { } summary ? Json.Deserialize<RunSummary>(summary) : null));
        return runs.OrderBy(r => r.RunId, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken ct = default) => (await ListAsync(ct)).Select(r => r.RunId).ToList();

    public async Task<string?> LatestIdAsync(CancellationToken ct = default) => (await ListIdsAsync(ct)).LastOrDefault();

    /// <summary>The run to compare with: the latest completed, non-back-fill run of an earlier reference date. A re-run
    /// of the same night compares with the same predecessor, so it classifies the same way.</summary>
    public async Task<string?> PreviousIdAsync(DateOnly referenceDate, CancellationToken ct = default)
    {
        var bound = $"R{referenceDate:yyyyMMdd}";
        return (await ListAsync(ct)).LastOrDefault(r => r.Status == RunStatus.Completed && !r.Backfill && string.CompareOrdinal(r.RunId, bound) < 0)?.RunId;
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
