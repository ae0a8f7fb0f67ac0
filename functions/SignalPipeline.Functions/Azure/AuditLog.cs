namespace SignalPipeline.Functions.Azure;

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Role, string Action, string? SignalId, string? Reason, string? Detail)
{
    /// <summary>Whose data an action concerned, as a pseudonym (data-subject requests); never a plain identifier.</summary>
    public string? Subject { get; init; }
}

/// <summary>Append-only audit log in the <c>audit</c> container (in Azure under a time-based immutability policy, so
/// nobody can rewrite it). Pseudonyms only.</summary>
public sealed class AuditLog(StorageClients storage)
{
    readonly AppendLog log = new(storage, StorageClients.Audit);

    public Task WriteAsync(AuditEntry entry, CancellationToken ct = default) => log.AppendAsync(entry.At, entry, ct);

    public async Task<IReadOnlyList<AuditEntry>> ReadDayAsync(DateOnly day, CancellationToken ct = default) =>
        (await log.ReadDayAsync(day, ct)).Select(Json.Deserialize<AuditEntry>).ToList();
}
