using Azure.Storage.Blobs.Models;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

public sealed record RetentionReport(int NonActive, int SignalsDeleted, int SnapshotsDeleted, int RawExtractsDeleted, int QuarantineDeleted)
{
    /// <summary>Undecided candidates that expired into the non-active environment in this pass.</summary>
    public int Expired { get; init; }
    /// <summary>Entries removed from the runs' signal files because their signal is gone (or, for shadow models, its term ended).</summary>
    public int RunEntriesRemoved { get; init; }
    /// <summary>Snapshots minimised further (docs/privacy.md, minimal snapshots), and what that removed.</summary>
    public int SnapshotsMinimised { get; init; }
    public long EnvelopesDropped { get; init; }
    public long SnapshotRowsRemoved { get; init; }

    public override string ToString() =>
        $"{Expired} undecided candidates expired, {NonActive} signals kept in the non-active environment, {SignalsDeleted} signals deleted, " +
        $"{RunEntriesRemoved} run-file entries removed, {SnapshotsDeleted} snapshots deleted, " +
        $"{SnapshotsMinimised} snapshots minimised ({EnvelopesDropped} identity envelopes and {SnapshotRowsRemoved} rows removed), " +
        $"{RawExtractsDeleted} raw extracts deleted, {QuarantineDeleted} quarantined files deleted";
}

/// <summary>Applies the terms. Deleting happens on the first daily run after a term ends, so always within the month
/// the protocol allows. Every deletion is audited with what kind, which ids and which rule, never the content.</summary>
public sealed class RetentionService(StorageClients storage, CandidateRegister register, SnapshotStore snapshots, RunStore runs, AuditLog audit, RetentionTerms terms, TimeProvider clock, MinimisationService minimisation)
{
    /// <summary>The coordinator's dossiers per object: one goes when no retained signal is about its object.</summary>
    public DossierStore? Dossiers { get; init; }

    public async Task<RetentionReport> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        int signalsDeleted = 0, expired = 0;
        var retained = new List<SignalState>();
        foreach (var listed in await register.ListAsync(ct))
        {
            var c = listed;
            // Undecided past its term: expires into the non-active environment, then follows the non-active term.
            if (c.Review == ReviewState.Open && c.IsActive && now >= terms.ExpiresAt(c) && await register.ExpireAsync(c.SignalId, terms.UndecidedDays, ct))
            {
                expired++;
                c = await register.GetAsync(c.SignalId, ct) ?? c;
            }
            var (due, rule) = c.Review switch
            {
                // Taken further: kept while the case runs; one year after the recipient's end result.
                ReviewState.Registered => (c.EndResult?.At.AddDays(terms.EndResultDays), $"doorgezet: {terms.EndResultDays} dagen na het eindresultaat"),
                _ when c.NonActiveSince is { } since => (since.AddDays(terms.NonActiveDays), $"niet-actief: {terms.NonActiveDays} dagen na besluit, afloop of verloop"),
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
        var runEntries = await PruneRunFilesAsync(retained.Select(c => c.SignalId).ToHashSet(StringComparer.Ordinal), now, ct);
        var minimised = await minimisation.RetentionPassAsync(ct);
        var dossiers = Dossiers is null ? 0 : await Dossiers.DeleteAllButAsync(retained.Select(c => c.Object).OfType<string>().ToHashSet(StringComparer.Ordinal), ct);
        if (dossiers > 0) await Audit(now, "retention-delete", null, $"{dossiers} dossier(s) with their notes; rule: no retained signal about the object");
        var report = new RetentionReport(retained.Count(c => !c.IsActive), signalsDeleted, snapshotsDeleted, raw, quarantine)
        {
            Expired = expired, RunEntriesRemoved = runEntries,
            SnapshotsMinimised = minimised.Count, EnvelopesDropped = minimised.Sum(m => m.EnvelopesDropped), SnapshotRowsRemoved = minimised.Sum(m => m.RowsRemoved),
        };
        // One entry per pass with the counts: what the retention did, never what it deleted.
        await Audit(now, "retention-run", null, report.ToString());
        return report;
    }

    /// <summary>No signal content outlives its signal: the runs' signal files lose the entries of signals that are gone
    /// (the run records keep their counts, which name nobody); shadow models' would-be signals go with the non-active term.</summary>
    async Task<int> PruneRunFilesAsync(HashSet<string> kept, DateTimeOffset now, CancellationToken ct)
    {
        var removed = 0;
        foreach (var run in await runs.ListAsync(ct))
        {
            // A run still taking its signals in is the outbox of signals not in the register yet: never touched.
            if (run.Status != Analysis.Runs.RunStatus.Completed) continue;
            var set = await runs.GetSignalsAsync(run.RunId, ct);
            var old = DateOnly.TryParse(run.ReferenceDate, out var d) && d.ToDateTime(TimeOnly.MinValue) < now.UtcDateTime.AddDays(-terms.NonActiveDays);
            // Shadow models' and back-fills' signals never enter the register: they go with the non-active term.
            var keep = set.Where(s => s.Shadow || run.Backfill ? !old : kept.Contains(s.Signal.SignalId)).ToList();
            if (keep.Count == set.Count) continue;
            await runs.ReplaceSignalsAsync(run.RunId, keep, ct);
            removed += set.Count - keep.Count;
        }
        return removed;
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
