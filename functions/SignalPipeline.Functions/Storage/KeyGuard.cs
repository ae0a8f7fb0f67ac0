using Azure;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Privacy;

namespace SignalPipeline.Functions.Storage;

/// <summary>Binds each key version to its fingerprint on first use (table <c>keys</c>) and refuses a key whose
/// fingerprint differs from the one recorded for its version: a replaced development file or a re-created Key Vault
/// secret would otherwise mix pseudonyms from two keys (duplicate candidates, false resolutions) without a word.</summary>
public sealed class KeyGuard(IKeyProvider inner, StorageClients storage) : IKeyProvider
{
    TableClient Keys => storage.Table(StorageClients.KeysTable);

    public async Task<KeyMaterial> GetAsync(CancellationToken ct = default)
    {
        var m = await inner.GetAsync(ct);
        await CheckAsync("pseudonym", m.PseudonymKeyVersion, m.PseudonymFingerprint, ct);
        await CheckAsync("envelope", m.EnvelopeKeyVersion, m.EnvelopeFingerprint, ct);
        return m;
    }

    async Task CheckAsync(string kind, string version, string fingerprint, CancellationToken ct)
    {
        var rowKey = $"{kind}-{Uri.EscapeDataString(version)}";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var recorded = await Keys.GetEntityIfExistsAsync<TableEntity>("key", rowKey, cancellationToken: ct);
            if (recorded.HasValue)
            {
                if (recorded.Value!.GetString("Fingerprint") == fingerprint) return;
                throw new KeysChangedException($"the {kind} key version {version} is not the key the existing snapshots were made with " +
                    $"(fingerprint {fingerprint} where {recorded.Value.GetString("Fingerprint")} was recorded); restore the original key, or re-ingest under a new key version.");
            }
            try { await Keys.AddEntityAsync(new TableEntity("key", rowKey) { ["Kind"] = kind, ["Version"] = version, ["Fingerprint"] = fingerprint }, ct); return; }
            catch (RequestFailedException e) when (e.Status == 409) { } // recorded by a concurrent first use: compare again
        }
    }

    /// <summary>Whether any key was used for a snapshot already (then a missing development key is never re-created).</summary>
    public static async Task<bool> KeysInUseAsync(StorageClients storage, CancellationToken ct)
    {
        await foreach (var _ in storage.Table(StorageClients.KeysTable).QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: ct)) return true;
        await foreach (var _ in storage.Table(StorageClients.IngestsTable).QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: ct)) return true;
        return false;
    }
}
