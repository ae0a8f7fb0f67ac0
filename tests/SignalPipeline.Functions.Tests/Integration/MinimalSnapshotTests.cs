using System.Text.Json;
using Azure.Storage.Blobs.Models;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Minimal snapshots (docs/privacy.md): once a run is completed, its snapshots keep identity envelopes only for
/// rows behind signals; snapshots older than the models need keep only those rows; reveal still works from what is kept.</summary>
public sealed class MinimalSnapshotTests
{
    /// <summary>Every stored snapshot read back with its envelopes, by blob name.</summary>
    static async Task<Dictionary<string, SnapshotTable>> SnapshotsAsync(StorageClients storage)
    {
        var found = new Dictionary<string, SnapshotTable>(StringComparer.Ordinal);
        var container = storage.Container(StorageClients.Snapshots);
        await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, default))
            if (b.Name.EndsWith("/data.parquet"))
                found[b.Name] = await SnapshotTable.ReadParquetAsync((await container.GetBlobClient(b.Name).DownloadContentAsync()).Value.Content.ToStream(), withEnvelope: true);
        return found;
    }

    /// <summary>The privacy scan, written apart from the product's own rule: a row may keep its identity envelope only
    /// when it is a signal's object, a registration at that object (by id or by its address key), or a signal's subject.</summary>
    static async Task<List<string>> EnvelopesOutsideSignalsAsync(StorageClients storage)
    {
        var signals = await new CandidateRegister(storage).ListAsync();
        var objects = signals.Select(s => s.Object).OfType<string>().ToHashSet();
        var subjects = signals.SelectMany(s => s.Subjects).ToHashSet();
        var tables = await SnapshotsAsync(storage);
        var addresses = new HashSet<string>();
        foreach (var (name, t) in tables.Where(t => t.Key.StartsWith("bag/")))
            for (var i = 0; i < t.RowCount; i++)
                if (t.Column("verblijfsobject_id")[i] is { } v && objects.Contains(v) && t.Column("adres")[i] is { } a) addresses.Add(a);
        string[] subjectColumns = ["bsn", "aanvrager_bsn", "aanvrager_kvk", "aanvrager_rsin", "betrokkene_bsn", "betrokkene_kvk", "betrokkene_rsin"];
        var outside = new List<string>();
        foreach (var (name, t) in tables)
            for (var i = 0; i < t.RowCount; i++)
            {
                if (t.Envelope(i) is null) continue;
                var behind = t.Column("verblijfsobject_id")[i] is { } v && objects.Contains(v)
                    || t.Column("adres")[i] is { } a && addresses.Contains(a)
                    || subjectColumns.Any(c => t.Column(c)[i] is { } s && subjects.Contains(s));
                if (!behind) outside.Add($"{name} row {i}");
            }
        return outside;
    }

    [Fact]
    public async Task After_a_completed_run_no_snapshot_holds_an_envelope_outside_a_signal_and_reveal_still_works()
    {
        using var p = new PipelineUnderTest();
        var demo = await p.Cli("demo", "--no-serve", "--date", "2026-11-02");
        Assert.True(demo.Code == 0, demo.Out + demo.Err);
        var storage = new StorageClients(p.Azurite.ConnectionString, null);

        Assert.Empty(await EnvelopesOutsideSignalsAsync(storage));
        var tables = await SnapshotsAsync(storage);
        Assert.Equal(4, tables.Count);
        var brp = tables.Single(t => t.Key.StartsWith("brp/")).Value;
        var kept = Enumerable.Range(0, brp.RowCount).Count(i => brp.Envelope(i) is not null);
        Assert.InRange(kept, 1, brp.RowCount / 2); // the residents behind the planted signals, not the town
        Assert.All(tables.Values, t => Assert.True(t.RowCount > 0)); // the current snapshots keep every row for the models

        // The run report says what was saved, per snapshot and in bytes.
        Assert.Matches(@"minimised 4 snapshots: [\d,]+ identity envelopes dropped, [\d,]+ kept behind signals; [\d.]+ kB → [\d.]+ kB", demo.Out);
        var run = (await new RunStore(storage).GetAsync((await new RunStore(storage).LatestIdAsync())!))!;
        Assert.True(run.MinimisationDone);
        var brpMinimised = run.Minimised.Single(m => m.Source == "brp");
        Assert.Equal(kept, brpMinimised.EnvelopesKept);
        Assert.Equal(brp.RowCount - kept, brpMinimised.EnvelopesDropped);
        Assert.True(brpMinimised.BytesAfter < brpMinimised.BytesBefore, $"{brpMinimised.BytesAfter} < {brpMinimised.BytesBefore}");
        var manifest = (await new SnapshotStore(storage).GetManifestAsync(brpMinimised.SnapshotId))!;
        Assert.Equal(MinimiseTo.EnvelopesBehindSignals, manifest.Minimised!.To);
        Assert.Equal(run.RunId, manifest.Minimised.By);
        var audit = (await new AuditLog(storage).ReadAllAsync()).Where(a => a.Action == "minimise").ToList();
        Assert.Equal(4, audit.Count);

        // Every raised signal on an object is still revealed, the ONG object BAG does not know included (its id comes
        // from the registrations' own envelopes).
        var export = await p.Cli("signals", "export", "--run", "latest", "--reveal", "--reason", "Controle minimalisatie door de privacy officer");
        Assert.True(export.Code == 0, export.Out + export.Err);
        var records = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(records);
        foreach (var r in records.Where(r => r.GetProperty("object").ValueKind == JsonValueKind.String))
            Assert.Matches("^[0-9]{16}$", r.GetProperty("verblijfsobject_id").GetString() ?? "");
        Assert.Contains(records, r => r.GetProperty("evidence").TryGetProperty("status", out var status) && status.GetString() == "niet in BAG");
        foreach (var r in records.Where(r => r.GetProperty("subjects").GetArrayLength() > 0))
            Assert.True(r.TryGetProperty("subject_bsn", out _) || r.TryGetProperty("subject_kvk", out _) || r.TryGetProperty("subject_rsin", out _), r.ToString());

        // The same nightly again changes nothing and minimises nothing twice.
        var again = await p.Cli("nightly", "--date", "2026-11-02");
        Assert.Contains("nothing to do", again.Out);
        Assert.Equal(4, (await new AuditLog(storage).ReadAllAsync()).Count(a => a.Action == "minimise"));
    }

    [Fact]
    public async Task Retention_keeps_older_snapshots_to_the_rows_behind_signals_and_leaves_unused_ones_whole()
    {
        using var p = new PipelineUnderTest();
        for (var night = 1; night <= 3; night++) { await p.Ingest(night); await p.Nightly(night); }
        // A fourth BRP extract that no nightly has used yet (one person less than night 3, so it is new content).
        var night4 = Nights.Write(Path.Combine(p.Dir.Path, "extracts-4"), 4);
        var brpFile = Directory.GetFiles(Path.Combine(night4, "brp"), "*.csv", SearchOption.AllDirectories).Single();
        File.WriteAllLines(brpFile, File.ReadAllLines(brpFile).SkipLast(1));
        var ingest = await p.Cli("ingest", night4);
        Assert.True(ingest.Code == 0, ingest.Out + ingest.Err);
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var store = new SnapshotStore(storage);
        var brpBefore = (await store.AllAsync()).Where(m => m.Source == "brp").OrderBy(m => m.Date).ToList();
        Assert.Equal(4, brpBefore.Count);

        var retention = await p.Cli("retention", "--now", "2026-03-06T03:00:00Z");
        Assert.True(retention.Code == 0, retention.Out + retention.Err);
        Assert.Matches(@"[1-9]\d* snapshots minimised \([\d]+ identity envelopes and [1-9]\d* rows removed\)", retention.Out);

        var brp = (await store.AllAsync()).Where(m => m.Source == "brp").OrderBy(m => m.Date).ToList();
        // Night 1 and 2 are older than what the models need (night 3 is the current the last run used, night 4 is newer):
        // they keep only the rows behind signals.
        var tables = await SnapshotsAsync(storage);
        foreach (var old in brp.Take(2))
        {
            Assert.True(old.OnlyRowsBehindSignals, old.SnapshotId);
            var t = tables[$"brp/{old.Date}/{old.SnapshotId}/data.parquet"];
            Assert.InRange(t.RowCount, 1, old.RowsAccepted);
            Assert.All(Enumerable.Range(0, t.RowCount), i => Assert.NotNull(t.Envelope(i)));
        }
        // Night 2 resolved the crowded dwellings that emptied (1 and 2 residents): their rows named no signal of that run.
        Assert.True(brp[1].Minimised!.RowsRemoved > 0, $"night 2 kept {brp[1].Minimised!.RowsKept} of {brp[1].RowsAccepted} rows");
        // Night 3: used by the last run, every row kept, envelopes only behind signals.
        Assert.Equal(MinimiseTo.EnvelopesBehindSignals, brp[2].Minimised!.To);
        Assert.Equal(brp[2].RowsAccepted, tables[$"brp/{brp[2].Date}/{brp[2].SnapshotId}/data.parquet"].RowCount);
        // Night 4: no nightly has used it yet: whole, every envelope.
        Assert.Null(brp[3].Minimised);
        var fresh = tables[$"brp/{brp[3].Date}/{brp[3].SnapshotId}/data.parquet"];
        Assert.Equal(brp[3].RowsAccepted, fresh.RowCount);
        Assert.All(Enumerable.Range(0, fresh.RowCount), i => Assert.NotNull(fresh.Envelope(i)));
        // Outside the fresh snapshot, no envelope is left outside a signal.
        Assert.All(await EnvelopesOutsideSignalsAsync(storage), where => Assert.StartsWith($"brp/{brp[3].Date}/", where));
    }
}
