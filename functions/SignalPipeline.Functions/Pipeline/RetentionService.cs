using Azure.Storage.Blobs.Models;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

public sealed record RetentionReport(int NonActive, int SignalsDeleted, int SnapshotsDeleted, int RawExtractsDeleted, int QuarantineDeleted)
{
    public override string ToString() =>
        $"{NonActive} signals kept in the non-active environment, {SignalsDeleted} signals deleted, {SnapshotsDeleted} snapshots deleted, {RawExtractsDeleted} raw extracts deleted, {QuarantineDeleted} quarantined files deleted";
}

/// <summary>Applies the terms. Deleting happens on the first daily run after a term ends, so always within the month
/// the protocol allows. Every deletion is audited with what kind, which ids and which rule, never the content.</summary>
public sealed class RetentionService(StorageClients storage, CandidateRegister register, SnapshotStore snapshots, AuditLog audit, RetentionTerms terms, TimeProvider clock)
{
    public async Task<RetentionReport> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var signalsDeleted = 0;
        var retained = new List<SignalState>();
        foreach (var c in await register.ListAsync(ct))
        {
            var (due, rule) = c.Review switch
            {
                ReviewState.Registered => ((c.LastProcessedAt ?? c.DecidedAt)?.AddDays(terms.RegisteredDays), $"geregistreerd: {terms.RegisteredDays} dagen na laatste verwerking"),
                _ when c.NonActiveSince is { } since => (since.AddDays(terms.NonActiveDays), $"niet-actief: {terms.NonActiveDays} dagen na besluit of afloop"),
                _ => ((DateTimeOffset?)null, ""),
            };
            if (due is { } d && now >= d)
            {
                await register.DeleteAsync(c.SignalId, ct);
                await Audit(now, "retention-delete", c.SignalId, $"signal ({c.Model}); rule {rule}");
                signalsDeleted++;
            }
            else retained.Add(c);
        }

        // Snapshots any observation of a retained signal names (a decision's basis stays revealable), and the current ones.
        var needed = await register.SnapshotsInUseAsync(ct);
        needed.UnionWith(retained.SelectMany(c => c.Lineage.Snapshots.Select(s => s.SnapshotId)));
        var snapshotsDeleted = await DeleteOldSnapshotsAsync(needed, now, ct);
        var raw = await DeleteOlderThanAsync(StorageClients.Extracts, now.AddDays(-terms.RawExtractDays), "raw extract", ct);
        var quarantine = await DeleteOlderThanAsync(StorageClients.Quarantine, now.AddDays(-terms.QuarantineDays), "quarantined file", ct);
        return new RetentionReport(retained.Count(c => !c.IsActive), signalsDeleted, snapshotsDeleted, raw, quarantine);
    }

    async Task<int> DeleteOldSnapshotsAsync(HashSet<string> needed, DateTimeOffset now, CancellationToken ct)
    {
        var deleted = 0;
        var container = storage.Container(StorageClients.Snapshots);
        foreach (var source in SourceSchema.All)
        {
            var newest = await snapshots.LatestAsync(source, DateOnly.MaxValue, ct);
            var manifests = new List<string>();
            await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{source}/", ct))
                if (b.Name.EndsWith("/manifest.json")) manifests.Add(b.Name);
            foreach (var path in manifests)
            {
                var id = path.Split('/')[2];
                if (id == newest?.SnapshotId || needed.Contains(id) || await snapshots.GetManifestAsync(id, ct) is not { } m) continue;
                if (DateOnly.Parse(m.Date) > DateOnly.FromDateTime(now.UtcDateTime).AddDays(-terms.SnapshotDays)) continue;
                await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{m.Source}/{m.Date}/{m.SnapshotId}/", ct))
                    await container.DeleteBlobIfExistsAsync(b.Name, cancellationToken: ct);
                if (await snapshots.CurrentIdAsync(m.Source, m.Date, ct) == m.SnapshotId)
                    await container.DeleteBlobIfExistsAsync($"{m.Source}/{m.Date}/current.json", cancellationToken: ct);
                await storage.Table(StorageClients.IngestsTable).DeleteEntityAsync("sha256", m.Sha256, global::Azure.ETag.All, ct);
                await Audit(now, "retention-delete", null, $"snapshot {m.SnapshotId} with its envelopes; rule: older than {terms.SnapshotDays} days, not the newest, needed by no retained signal");
                deleted++;
            }
        }
        return deleted;
    }

    async Task<int> DeleteOlderThanAsync(string containerName, DateTimeOffset before, string kind, CancellationToken ct)
    {
        var container = storage.Container(containerName);
        var names = new List<string>();
        await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, ct))
            if (b.Properties.CreatedOn is { } created && created < before) names.Add(b.Name);
        foreach (var name in names) await container.DeleteBlobIfExistsAsync(name, cancellationToken: ct);
        // Blob names carry source, date and file name only: safe to audit.
        if (names.Count > 0) await Audit(clock.GetUtcNow(), "retention-delete", null, $"{names.Count} {kind}(s): {string.Join(", ", names.Take(20))}{(names.Count > 20 ? " …" : "")}");
        return names.Count;
    }

    Task Audit(DateTimeOffset at, string action, string? signalId, string detail) =>
        audit.WriteAsync(new AuditEntry(at, "retention", "system", action, signalId, "protocol art. 12", detail));
}
