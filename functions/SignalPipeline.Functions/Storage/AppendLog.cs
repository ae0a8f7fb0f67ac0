using Azure.Storage.Blobs.Specialized;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Storage;

/// <summary>JSON lines in one append blob per UTC day (<c>{container}/{yyyy-MM-dd}.jsonl</c>): written by appending
/// only, read a day at a time. Used by the audit log and the OpenLineage log.</summary>
public sealed class AppendLog(StorageClients storage, string container)
{
    public async Task AppendAsync<T>(DateTimeOffset at, T entry, CancellationToken ct = default)
    {
        var blob = storage.Container(container).GetAppendBlobClient($"{at.UtcDateTime:yyyy-MM-dd}.jsonl");
        await blob.CreateIfNotExistsAsync(cancellationToken: ct);
        await using var s = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Json.Serialize(entry) + "\n"));
        await blob.AppendBlockAsync(s, cancellationToken: ct);
    }

    public async Task<IReadOnlyList<string>> ReadDayAsync(DateOnly day, CancellationToken ct = default)
    {
        var blob = storage.Container(container).GetAppendBlobClient($"{day:yyyy-MM-dd}.jsonl");
        if (!await blob.ExistsAsync(ct)) return [];
        return (await blob.DownloadContentAsync(ct)).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
