using Azure.Storage.Blobs.Specialized;

namespace SignalPipeline.Functions.Azure;

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Role, string Action, string? SignalId, string? Reason, string? Detail);

/// <summary>Append-only audit log: one append blob per day in the <c>audit</c> container (in Azure under a
/// time-based immutability policy, so nobody can rewrite it). JSON lines; pseudonyms only.</summary>
public sealed class AuditLog(StorageClients storage)
{
    public async Task WriteAsync(AuditEntry entry, CancellationToken ct = default)
    {
        var blob = storage.Container(StorageClients.Audit).GetAppendBlobClient($"{entry.At.UtcDateTime:yyyy-MM-dd}.jsonl");
        await blob.CreateIfNotExistsAsync(cancellationToken: ct);
        await using var s = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Json.Serialize(entry) + "\n"));
        await blob.AppendBlockAsync(s, cancellationToken: ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadDayAsync(DateOnly day, CancellationToken ct = default)
    {
        var blob = storage.Container(StorageClients.Audit).GetAppendBlobClient($"{day:yyyy-MM-dd}.jsonl");
        if (!await blob.ExistsAsync(ct)) return [];
        var text = (await blob.DownloadContentAsync(ct)).Value.Content.ToString();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Json.Deserialize<AuditEntry>).ToList();
    }
}
