using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>Minimal snapshots (docs/privacy.md). A reveal only ever needs the identities behind signals, so:
/// <list type="bullet">
/// <item>once a run is completed, every snapshot it used keeps identity envelopes only for rows behind a signal in the
/// signalenregister (a new snapshot keeps them all until a nightly has used it);</item>
/// <item>the retention keeps a snapshot older than what the models need (the newest two per source) to the rows behind
/// signals only, and takes the envelopes of signals deleted since from the newer ones.</item>
/// </list>
/// Every change is audited with counts, never with data.</summary>
public sealed class MinimisationService(SnapshotStore snapshots, CandidateRegister register, AuditLog audit, TimeProvider clock)
{
    /// <summary>How many snapshots per source the models still read in full: the current and the previous.</summary>
    public const int SnapshotsModelsNeed = 2;

    /// <summary>After a completed run: each snapshot it used that no earlier run minimised.</summary>
    public async Task<IReadOnlyList<SnapshotMinimisation>> AfterRunAsync(RunRecord run, CancellationToken ct = default)
    {
        var pending = new List<SnapshotManifest>();
        foreach (var use in run.Snapshots)
            if (await snapshots.GetManifestAsync(use.SnapshotId, ct) is { Status: "accepted", Minimised: null } m) pending.Add(m);
        if (pending.Count == 0) return [];
        var references = await ReferencesAsync(run.Snapshots.FirstOrDefault(s => s.Source == "bag")?.SnapshotId, ct);
        var done = new List<SnapshotMinimisation>();
        foreach (var m in pending)
            done.Add(await MinimiseAsync(m, references, MinimiseTo.EnvelopesBehindSignals, run.RunId, ct));
        return done;
    }

    /// <summary>The daily pass: older snapshots down to the rows behind signals; newer, already used ones re-checked
    /// so that envelopes of signals deleted since go too. Unused snapshots (never read by a run) are left whole.</summary>
    public async Task<IReadOnlyList<SnapshotMinimisation>> RetentionPassAsync(CancellationToken ct = default)
    {
        var all = (await snapshots.AllAsync(ct)).Where(m => m.Status == "accepted").ToList();
        var newestBag = all.Where(m => m.Source == "bag").OrderByDescending(m => m.Date, StringComparer.Ordinal).ThenByDescending(m => m.IngestedAt).FirstOrDefault();
        var references = await ReferencesAsync(newestBag?.SnapshotId, ct);
        var done = new List<SnapshotMinimisation>();
        foreach (var source in all.GroupBy(m => m.Source))
        {
            var ordered = source.OrderByDescending(m => m.Date, StringComparer.Ordinal).ThenByDescending(m => m.IngestedAt).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var m = ordered[i];
                var to = i < SnapshotsModelsNeed ? MinimiseTo.EnvelopesBehindSignals : MinimiseTo.RowsBehindSignals;
                if (to == MinimiseTo.EnvelopesBehindSignals && m.Minimised is null) continue; // no nightly has used it yet
                var result = await MinimiseAsync(m, references, to, "retention", ct);
                if (result.RowsRemoved > 0 || result.EnvelopesDropped > 0) done.Add(result);
            }
        }
        return done;
    }

    async Task<SnapshotMinimisation> MinimiseAsync(SnapshotManifest m, Func<string, SignalReferences> references, MinimiseTo to, string by, CancellationToken ct)
    {
        var result = await snapshots.MinimiseAsync(m, references(m.SnapshotId), to, by, clock.GetUtcNow(), ct);
        if (result.RowsRemoved > 0 || result.EnvelopesDropped > 0)
            await audit.WriteAsync(new AuditEntry(result.At, by == "retention" ? "retention" : "nightly", "system", "minimise", null, "protocol art. 12; AVG art. 5(1)(c)",
                $"snapshot {m.SnapshotId}: {result.EnvelopesDropped} identity envelopes and {result.RowsRemoved} rows removed; {result.EnvelopesKept} envelopes kept behind signals; " +
                $"{result.BytesBefore} → {result.BytesAfter} bytes"), ct);
        return result;
    }

    /// <summary>Per snapshot id, what the register's signals refer to, with the objects' address keys from the given
    /// BAG snapshot (a registration linked by address only is behind its object's signal too).</summary>
    async Task<Func<string, SignalReferences>> ReferencesAsync(string? bagSnapshotId, CancellationToken ct)
    {
        var bySnapshot = await register.ReferencesBySnapshotAsync(ct);
        if (bySnapshot.Count > 0 && bagSnapshotId is not null && await snapshots.GetManifestAsync(bagSnapshotId, ct) is { } bagManifest)
        {
            var bag = await snapshots.LoadAsync(bagManifest, ["verblijfsobject_id", "adres"], ct: ct);
            foreach (var refs in bySnapshot.Values) refs.AddAddressesFrom(bag);
        }
        return id => bySnapshot.TryGetValue(id, out var r) ? r : new SignalReferences();
    }
}
