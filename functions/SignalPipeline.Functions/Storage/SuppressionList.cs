using Azure.Data.Tables;

namespace SignalPipeline.Functions.Storage;

/// <summary>One person no model may process until <paramref name="Until"/>: the <see cref="Analysis.Privacy.SuppressionKey"/>
/// of their pseudonym (never the BSN, nor the pseudonym itself), the legal ground, when and by whom.</summary>
public sealed record Suppression(string Key, string Ground, DateOnly Until, DateTimeOffset Since, string Actor);

/// <summary>The suppression list (table <c>suppression</c>): an upheld objection (art. 21 AVG) or an erasure (art. 17
/// AVG, protocol art. 14) puts the hash of the person's pseudonym here, so the next extract cannot bring them back into a model.
/// Keyed by pseudonym: suppressing again extends, never shortens.</summary>
public sealed class SuppressionList(StorageClients storage)
{
    TableClient Table => storage.Table(StorageClients.SuppressionTable);

    public async Task AddAsync(Suppression s, CancellationToken ct = default)
    {
        var existing = await Table.GetEntityIfExistsAsync<TableEntity>("person", s.Key, cancellationToken: ct);
        var until = existing.HasValue && existing.Value!.GetString("Until") is { } u && DateOnly.Parse(u) > s.Until ? DateOnly.Parse(u) : s.Until;
        await Table.UpsertEntityAsync(new TableEntity("person", s.Key)
        {
            ["Ground"] = s.Ground, ["Until"] = until.ToString("yyyy-MM-dd"), ["Since"] = s.Since, ["Actor"] = s.Actor,
        }, TableUpdateMode.Replace, ct);
    }

    public async Task<IReadOnlyList<Suppression>> ListAsync(CancellationToken ct = default)
    {
        var list = new List<Suppression>();
        await foreach (var e in Table.QueryAsync<TableEntity>(e => e.PartitionKey == "person", cancellationToken: ct))
            list.Add(new Suppression(e.RowKey, e.GetString("Ground") ?? "", DateOnly.Parse(e.GetString("Until")!), e.GetDateTimeOffset("Since") ?? default, e.GetString("Actor") ?? ""));
        return list;
    }

    /// <summary>The keys in force on <paramref name="date"/>.</summary>
    public async Task<IReadOnlySet<string>> InForceAsync(DateOnly date, CancellationToken ct = default) =>
        (await ListAsync(ct)).Where(s => s.Until >= date).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
}
