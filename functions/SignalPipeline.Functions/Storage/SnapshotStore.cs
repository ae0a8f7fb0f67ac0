using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Storage;

/// <summary>Snapshots in the <c>snapshots</c> container: <c>{source}/{date}/{snapshotId}/data.parquet</c> and
/// <c>manifest.json</c>, and <c>{source}/{date}/current.json</c> naming the snapshot in force for that date (a
/// correction replaces it). Rejected files go to <c>quarantine</c> with their manifest and report. The
/// <c>ingests</c> table remembers every SHA-256 seen, so the same content is processed once.</summary>
public sealed class SnapshotStore(StorageClients storage)
{
    sealed record Pointer(string SnapshotId);

    public async Task<SnapshotManifest?> FindBySha256Async(string sha256, CancellationToken ct = default)
    {
        var entity = await storage.Table(StorageClients.IngestsTable).GetEntityIfExistsAsync<TableEntity>("sha256", sha256, cancellationToken: ct);
        if (!entity.HasValue) return null;
        var e = entity.Value!;
        return await ReadManifestAsync(e.GetString("Container"), e.GetString("ManifestPath"), ct);
    }

    public static string SnapshotIdFor(string source, string date, string sha256) => $"{source}-{date.Replace("-", "")}-{sha256[..12]}";

    public async Task<string?> CurrentIdAsync(string source, string date, CancellationToken ct = default)
    {
        var blob = storage.Container(StorageClients.Snapshots).GetBlobClient($"{source}/{date}/current.json");
        try { return Json.Deserialize<Pointer>((await blob.DownloadContentAsync(ct)).Value.Content)?.SnapshotId; }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
        catch (System.Text.Json.JsonException) { return null; } // a torn pointer: LatestAsync falls back to the manifests
    }

    public async Task SaveAcceptedAsync(SnapshotManifest manifest, SnapshotSpool spool, IReadOnlyList<QuarantineEntry> report, Configuration.FaultPoints? faults = null, CancellationToken ct = default)
    {
        var container = storage.Container(StorageClients.Snapshots);
        var prefix = $"{manifest.Source}/{manifest.Date}/{manifest.SnapshotId}";
        await UploadParquetAsync(container, prefix, spool, ct);
        if (report.Count > 0) await UploadJsonAsync(container, $"{prefix}/quarantine-report.json", report, ct);
        // The manifest goes last: a snapshot without one does not exist for readers.
        await UploadJsonAsync(container, $"{prefix}/manifest.json", manifest, ct);
        faults?.Reach("ingest-stored");
        await UploadJsonAsync(container, $"{manifest.Source}/{manifest.Date}/current.json", new Pointer(manifest.SnapshotId), ct);
        await RememberAsync(manifest, StorageClients.Snapshots, $"{prefix}/manifest.json", ct);
    }

    /// <summary>Rewrites a snapshot's data (erasure) and then its manifest; the snapshot keeps its id and hash.</summary>
    public async Task ReplaceDataAsync(SnapshotManifest manifest, SnapshotSpool spool, CancellationToken ct = default)
    {
        var container = storage.Container(StorageClients.Snapshots);
        var prefix = $"{manifest.Source}/{manifest.Date}/{manifest.SnapshotId}";
        await UploadParquetAsync(container, prefix, spool, ct);
        await UploadJsonAsync(container, $"{prefix}/manifest.json", manifest, ct);
    }

    /// <summary>Rewrites a snapshot's data keeping what <paramref name="references"/> says is behind a signal, then its
    /// manifest (which records the minimisation); the snapshot keeps its id and hash. Streams through temporary files.</summary>
    public async Task<SnapshotMinimisation> MinimiseAsync(SnapshotManifest manifest, SignalReferences references, MinimiseTo to, string by, DateTimeOffset at, CancellationToken ct = default)
    {
        var container = storage.Container(StorageClients.Snapshots);
        var blob = container.GetBlobClient($"{manifest.Source}/{manifest.Date}/{manifest.SnapshotId}/data.parquet");
        await using var original = TempFiles.Create("minimise-in", ".parquet");
        await blob.DownloadToAsync(original, ct);
        var before = original.Length;
        original.Position = 0;
        await using var rewritten = TempFiles.Create("minimise-out", ".parquet");
        var counts = await SnapshotMinimiser.RewriteAsync(original, rewritten, references, to, ct);
        var after = before;
        if (counts.Changed)
        {
            after = rewritten.Length;
            rewritten.Position = 0;
            await blob.UploadAsync(rewritten, overwrite: true, ct);
        }
        var record = new SnapshotMinimisation(manifest.SnapshotId, manifest.Source, at, by, to,
            counts.RowsKept, counts.RowsRemoved, counts.EnvelopesKept, counts.EnvelopesDropped, before, after);
        // A pass that changed nothing leaves the manifest naming the minimisation that did.
        if (!counts.Changed && manifest.Minimised?.To == to) return record;
        await UploadJsonAsync(container, $"{manifest.Source}/{manifest.Date}/{manifest.SnapshotId}/manifest.json", manifest with { Minimised = record }, ct);
        return record;
    }

    /// <summary>Writes the spool to a local temporary file first, so the upload streams from disk, not memory.</summary>
    static async Task UploadParquetAsync(BlobContainerClient container, string prefix, SnapshotSpool spool, CancellationToken ct)
    {
        await using var temp = TempFiles.Create("upload", ".parquet");
        await spool.WriteParquetAsync(temp, ct);
        temp.Position = 0;
        await container.GetBlobClient($"{prefix}/data.parquet").UploadAsync(temp, overwrite: true, ct);
    }

    public async Task SaveRejectedAsync(SnapshotManifest manifest, IReadOnlyList<QuarantineEntry> report, CancellationToken ct = default)
    {
        var container = storage.Container(StorageClients.Quarantine);
        var prefix = $"{manifest.Source}/{manifest.Date}/{manifest.SnapshotId}";
        await UploadJsonAsync(container, $"{prefix}/quarantine-report.json", report, ct);
        await UploadJsonAsync(container, $"{prefix}/manifest.json", manifest, ct);
        await RememberAsync(manifest, StorageClients.Quarantine, $"{prefix}/manifest.json", ct);
    }

    /// <summary>Moves the raw file of a rejected delivery next to its report in <c>quarantine</c>.</summary>
    /// <param name="name">The file's name in the delivery folder (several files: each its own); default the manifest's.</param>
    public async Task MoveToQuarantineAsync(BlobClient raw, SnapshotManifest manifest, CancellationToken ct = default, string? name = null)
    {
        var target = storage.Container(StorageClients.Quarantine).GetBlobClient($"{manifest.Source}/{manifest.Date}/{manifest.SnapshotId}/{name ?? manifest.FileName}");
        await using (var s = await raw.OpenReadAsync(cancellationToken: ct)) await target.UploadAsync(s, overwrite: true, ct);
        await raw.DeleteIfExistsAsync(cancellationToken: ct);
    }

    async Task RememberAsync(SnapshotManifest m, string container, string path, CancellationToken ct) =>
        await storage.Table(StorageClients.IngestsTable).UpsertEntityAsync(new TableEntity("sha256", m.Sha256)
        {
            ["Container"] = container, ["ManifestPath"] = path, ["Source"] = m.Source, ["Date"] = m.Date, ["Status"] = m.Status,
        }, TableUpdateMode.Replace, ct);

    /// <summary>The newest accepted snapshot of a source whose date is not after the reference date. A date folder
    /// whose pointer is missing or broken (an interrupted write, a manual clean-up) falls back to its newest accepted
    /// manifest, and a folder with none to the dates before it: older snapshots stay findable whatever a folder holds.</summary>
    public async Task<SnapshotManifest?> LatestAsync(string source, DateOnly referenceDate, CancellationToken ct = default)
    {
        var container = storage.Container(StorageClients.Snapshots);
        var dates = new List<string>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, delimiter: "/", prefix: $"{source}/", cancellationToken: ct))
        {
            if (!item.IsPrefix) continue;
            var date = item.Prefix.TrimEnd('/')[(source.Length + 1)..];
            if (DateOnly.TryParseExact(date, "yyyy-MM-dd", out var d) && d <= referenceDate) dates.Add(date);
        }
        foreach (var date in dates.OrderDescending(StringComparer.Ordinal))
        {
            if (await CurrentIdAsync(source, date, ct) is { } id && await ReadManifestAsync(StorageClients.Snapshots, $"{source}/{date}/{id}/manifest.json", ct) is { Status: "accepted" } pointed)
                return pointed;
            SnapshotManifest? newest = null;
            await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{source}/{date}/", ct))
                if (b.Name.EndsWith("/manifest.json", StringComparison.Ordinal) && await ReadManifestAsync(StorageClients.Snapshots, b.Name, ct) is { Status: "accepted" } m
                    && (newest is null || m.IngestedAt > newest.IngestedAt))
                    newest = m;
            if (newest is not null) return newest;
        }
        return null;
    }

    /// <summary>Every stored snapshot's manifest, of every source and date.</summary>
    public async Task<List<SnapshotManifest>> AllAsync(CancellationToken ct = default)
    {
        var list = new List<SnapshotManifest>();
        await foreach (var b in storage.Container(StorageClients.Snapshots).GetBlobsAsync(BlobTraits.None, BlobStates.None, null, ct))
            if (b.Name.EndsWith("/manifest.json") && await GetManifestAsync(b.Name.Split('/')[2], ct) is { } m) list.Add(m);
        return list;
    }

    public async Task<SnapshotManifest?> GetManifestAsync(string snapshotId, CancellationToken ct = default)
    {
        var parts = snapshotId.Split('-');
        if (parts.Length != 3 || parts[1].Length != 8) return null;
        var date = $"{parts[1][..4]}-{parts[1][4..6]}-{parts[1][6..]}";
        return await ReadManifestAsync(StorageClients.Snapshots, $"{parts[0]}/{date}/{snapshotId}/manifest.json", ct);
    }

    public async Task<SnapshotTable> LoadAsync(SnapshotManifest m, IReadOnlyCollection<string>? columns = null, bool withEnvelope = false,
        IReadOnlyCollection<string>? asKeys = null, CancellationToken ct = default)
    {
        var blob = storage.Container(StorageClients.Snapshots).GetBlobClient($"{m.Source}/{m.Date}/{m.SnapshotId}/data.parquet");
        await using var s = new MemoryStream();
        await blob.DownloadToAsync(s, ct);
        s.Position = 0;
        return await SnapshotTable.ReadParquetAsync(s, columns, withEnvelope, asKeys, ct);
    }

    /// <summary>What a run needs of a snapshot: the columns the linked world reads (the BRP's persons only to apply a
    /// suppression list), no envelopes, the join keys as pseudonym values.</summary>
    public Task<SnapshotTable> LoadForRunAsync(SnapshotManifest m, bool suppressing, CancellationToken ct = default) =>
        LoadAsync(m, Analysis.Linking.LinkedWorld.ColumnsRead(m.Source, suppressing), asKeys: Analysis.Linking.LinkedWorld.KeysRead(m.Source), ct: ct);

    async Task<SnapshotManifest?> ReadManifestAsync(string container, string path, CancellationToken ct)
    {
        try { return Json.Deserialize<SnapshotManifest>((await storage.Container(container).GetBlobClient(path).DownloadContentAsync(ct)).Value.Content); }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    internal static Task UploadJsonAsync<T>(BlobContainerClient container, string path, T value, CancellationToken ct) =>
        container.GetBlobClient(path).UploadAsync(BinaryData.FromString(Json.Serialize(value, indented: true)), overwrite: true, ct);
}
