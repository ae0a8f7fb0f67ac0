using Azure;
using Azure.Storage.Blobs;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Azure;

namespace SignalPipeline.Functions.Pipeline;

public sealed record IngestOutcome(string BlobName, string Outcome, SnapshotManifest? Manifest, string? Message)
{
    public bool IsFailure => Outcome is "rejected" or "invalid";
}

/// <summary>The blob-arrival path: probe (hash, encoding, delimiter) → skip if seen → build the snapshot from a
/// second stream → store, or quarantine. The blob is streamed twice and never loaded whole.</summary>
public sealed class IngestService(StorageClients storage, SnapshotStore snapshots, IKeyProvider keys, Func<DpiaRegister> register, PipelineSettings settings, TimeProvider clock, LineageLog lineage)
{
    public async Task<IngestOutcome> IngestBlobAsync(string blobName, Action<long>? progress = null, CancellationToken ct = default)
    {
        var parts = blobName.Split('/');
        if (parts.Length != 3 || !SourceSchema.All.Contains(parts[0]) || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", out _)
            || !(parts[2].EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || parts[2].EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase)))
            return new(blobName, "invalid", null, "path must be {brp|bag|permits|enforcement}/{yyyy-MM-dd}/{name}.csv[.gz]");
        var (source, date, fileName) = (parts[0], parts[1], parts[2]);
        var blob = storage.Container(StorageClients.Extracts).GetBlobClient(blobName);
        var gzip = ExtractProbe.IsGzip(fileName);

        ExtractProbeResult probe;
        try { await using (var s = await blob.OpenReadAsync(cancellationToken: ct)) probe = await ExtractProbe.ProbeAsync(s, gzip, ct); }
        catch (RequestFailedException e) when (e.Status == 404)
        { return new(blobName, "gone", null, "the blob no longer exists (already processed or removed); nothing to do"); }

        if (await snapshots.FindBySha256Async(probe.Sha256, ct) is { } seen)
        {
            if (settings.DeleteRawAfterIngest && seen.Status == "accepted") await blob.DeleteIfExistsAsync(cancellationToken: ct);
            return new(blobName, "duplicate", seen, $"same content as {seen.FileName} ({seen.Source} {seen.Date}), processed before");
        }

        // Keys first: without them nothing is written (fail closed).
        var material = await keys.GetAsync(ct);
        var reg = register();
        var snapshotId = SnapshotStore.SnapshotIdFor(source, date, probe.Sha256);
        await lineage.EmitAsync(OpenLineage.IngestStart(reg.Municipality, source, date, fileName, snapshotId, clock.GetUtcNow()), ct);
        var previous = await snapshots.CurrentIdAsync(source, date, ct);
        BuildResult result;
        if (probe.Problem is not null)
            result = new BuildResult(null, probe.Problem, 0, 0, 0, [], [], [], [], [new QuarantineEntry(fileName, 0, null, probe.Problem)], new Dictionary<string, int>());
        else
        {
            using var pseudonymiser = new Pseudonymiser(material.PseudonymKey, material.PseudonymKeyVersion);
            var envelope = new IdentityEnvelope(material.EnvelopeKey, material.EnvelopeKeyVersion);
            var builder = new SnapshotBuilder(SourceSchema.For(source), reg, pseudonymiser, envelope,
                new IngestOptions { MaxRejectedShare = settings.MaxRejectedShare, Progress = progress });
            await using var s = await blob.OpenReadAsync(cancellationToken: ct);
            result = await builder.BuildAsync(s, fileName, probe.IsUtf8, probe.Separator, ct);
        }

        var manifest = new SnapshotManifest
        {
            SnapshotId = snapshotId, Source = source, Date = date, FileName = fileName, Sha256 = probe.Sha256, Bytes = probe.Bytes,
            Status = result.Spool is null ? "rejected" : "accepted", RejectionReason = result.RejectionReason,
            Encoding = probe.IsUtf8 ? "utf-8" : "windows-1252 (converted to utf-8)", Separator = probe.Separator.ToString(),
            RowsRead = result.RowsRead, RowsAccepted = result.RowsRead - result.RowsRejected, RowsRejected = result.RowsRejected,
            RowsDuplicate = result.RowsDuplicate, ColumnsDelivered = result.ColumnsDelivered, ColumnsKept = result.ColumnsKept, ColumnsDiscarded = result.ColumnsDiscarded,
            ColumnsPseudonymised = result.ColumnsPseudonymised, ColumnsEnveloped = result.ColumnsEnveloped,
            PseudonymKeyVersion = material.PseudonymKeyVersion, EnvelopeKeyVersion = material.EnvelopeKeyVersion,
            RegisterSha256 = reg.Sha256, Replaces = result.Spool is null || previous == snapshotId ? null : previous,
            IngestedAt = clock.GetUtcNow(), ResidentsPerPc4 = result.ResidentsPerPc4.Count > 0 ? result.ResidentsPerPc4 : null,
        };

        if (result.Spool is not { } spool)
        {
            await snapshots.SaveRejectedAsync(manifest, result.Quarantine, ct);
            await snapshots.MoveToQuarantineAsync(blob, manifest, ct);
            await lineage.EmitAsync(OpenLineage.IngestEnd(reg.Municipality, manifest, clock.GetUtcNow()), ct);
            return new(blobName, "rejected", manifest, result.RejectionReason);
        }
        await using (spool) await snapshots.SaveAcceptedAsync(manifest, spool, result.Quarantine, ct);
        await lineage.EmitAsync(OpenLineage.IngestEnd(reg.Municipality, manifest, clock.GetUtcNow()), ct);
        if (settings.DeleteRawAfterIngest) await blob.DeleteIfExistsAsync(cancellationToken: ct);
        return new(blobName, "accepted", manifest, manifest.Replaces is null ? null : $"replaces snapshot {manifest.Replaces}");
    }

    /// <summary>Uploads a local file into <c>extracts</c> as a municipal system would.</summary>
    public async Task<string> DeliverAsync(string localPath, string source, string date, CancellationToken ct = default)
    {
        var name = $"{source}/{date}/{Path.GetFileName(localPath)}";
        await using var s = File.OpenRead(localPath);
        await storage.Container(StorageClients.Extracts).GetBlobClient(name).UploadAsync(s, overwrite: true, ct);
        return name;
    }

    /// <summary>The blob name inside <c>extracts</c> from an Event Grid BlobCreated event's subject or url.</summary>
    public static string? BlobNameFromEvent(string? subject, string? url)
    {
        const string marker = "/containers/extracts/blobs/";
        if (subject is not null && subject.IndexOf(marker, StringComparison.Ordinal) is var i and >= 0) return Uri.UnescapeDataString(subject[(i + marker.Length)..]);
        if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var path = Uri.UnescapeDataString(uri.AbsolutePath);
            var j = path.IndexOf("/extracts/", StringComparison.Ordinal);
            if (j >= 0) return path[(j + "/extracts/".Length)..];
        }
        return null;
    }
}
