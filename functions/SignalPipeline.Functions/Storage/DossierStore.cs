using Azure;
using Azure.Data.Tables;

namespace SignalPipeline.Functions.Storage;

public sealed record DossierNote(string Text, string Actor, DateTimeOffset At);

/// <summary>What the coordinator keeps about one object across its signals (issue 19, dossier per object): notes and the
/// colleague it is assigned to, in the <c>dossiers</c> table under the object's pseudonym. Append-only notes; the
/// retention deletes a dossier once no signal about its object is left.</summary>
public sealed class DossierStore(StorageClients storage, TimeProvider clock)
{
    TableClient Table => storage.Table(StorageClients.DossiersTable);
    const string AssigneeRow = "assignee";

    public async Task<(string? Assignee, string? AssignedBy, DateTimeOffset? AssignedAt, IReadOnlyList<DossierNote> Notes)> GetAsync(string obj, CancellationToken ct = default)
    {
        string? assignee = null, by = null; DateTimeOffset? at = null;
        var notes = new List<DossierNote>();
        await foreach (var e in Table.QueryAsync<TableEntity>(e => e.PartitionKey == obj, cancellationToken: ct))
        {
            if (e.RowKey == AssigneeRow) { assignee = e.GetString("Assignee"); by = e.GetString("Actor"); at = e.GetDateTimeOffset("At"); }
            else notes.Add(new DossierNote(e.GetString("Text"), e.GetString("Actor"), e.GetDateTimeOffset("At") ?? default));
        }
        return (assignee, by, at, notes.OrderBy(n => n.At).ToList());
    }

    public Task AddNoteAsync(string obj, string text, string actor, CancellationToken ct = default)
    {
        var at = clock.GetUtcNow();
        return Table.AddEntityAsync(new TableEntity(obj, $"note-{at.UtcTicks:D19}-{Guid.NewGuid():N}") { ["Text"] = text, ["Actor"] = actor, ["At"] = at }, ct);
    }

    public Task AssignAsync(string obj, string assignee, string actor, CancellationToken ct = default) =>
        Table.UpsertEntityAsync(new TableEntity(obj, AssigneeRow) { ["Assignee"] = assignee, ["Actor"] = actor, ["At"] = clock.GetUtcNow() }, TableUpdateMode.Replace, ct);

    /// <summary>Deletes the dossiers of objects that no retained signal is about; returns how many.</summary>
    public async Task<int> DeleteAllButAsync(IReadOnlySet<string> objectsWithSignals, CancellationToken ct = default)
    {
        var gone = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in Table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            if (!objectsWithSignals.Contains(e.PartitionKey))
            {
                await Table.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, ct);
                gone.Add(e.PartitionKey);
            }
        return gone.Count;
    }
}
