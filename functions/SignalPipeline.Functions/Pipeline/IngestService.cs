using Azure;
using Azure.Storage.Blobs;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>How far an ingest is: rows read so far, and bytes of the delivered file read out of its size.</summary>
public sealed record IngestProgress(long Rows, long BytesRead, long Bytes);

public sealed record IngestOutcome(string BlobName, string Outcome, SnapshotManifest? Manifest, string? Message)
{
    public bool IsFailure => Outcome is "rejected" or "invalid";
    /// <summary>Other deliveries decided together with this one (files rejected with it as ambiguous).</summary>
    public IReadOnlyList<IngestOutcome> Together { get; init; } = [];
}

/// <summary>The blob-arrival path: probe (hash, encoding, delimiter) → skip if seen → build the snapshot from a
/// second stream → store, or quarantine. The blob is streamed twice and never loaded whole.</summary>
public sealed partial class IngestService(StorageClients storage, SnapshotStore snapshots, IKeyProvider keys, Func<CancellationToken, Task<DpiaRegister>> register, PipelineSettings settings, TimeProvider clock, LineageLog lineage)
{
    /// <summary>Fault drills (<see cref="FaultPoints"/>).</summary>
    public FaultPoints Faults { get; init; } = FaultPoints.None;

    public async Task<IngestOutcome> IngestBlobAsync(string blobName, Action<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        var parts = blobName.Split('/');
        if (parts.Length < 3 || !SourceSchema.All.Contains(parts[0]) || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", out _)
            || !IsDeliveryName(parts[^1]))
            return new(blobName, "invalid", null, "path must be {brp|bag|permits|enforcement}/{yyyy-MM-dd}/{name} with a .csv, .xml, .json or .zip file (.gz allowed), or _READY");
        var (source, date, fileName) = (parts[0], parts[1], string.Join('/', parts[2..]));
        var blob = storage.Container(StorageClients.Extracts).GetBlobClient(blobName);
        // Real formats (docs/contracts/sources.md) are read as a delivery of the whole folder; a v1 CSV as before.
        if (parts.Length > 3 || !Analysis.Formats.DeliveryFile.IsCsvName(fileName))
            return await IngestDeliveryAsync(source, date, blobName, progress, ct);
        var gzip = ExtractProbe.IsGzip(fileName);

        ExtractProbeResult probe;
        try { await using (var s = await blob.OpenReadAsync(cancellationToken: ct)) probe = await ExtractProbe.ProbeAsync(s, gzip, ct); }
        catch (RequestFailedException e) when (e.Status == 404)
        { return new(blobName, "gone", null, "the blob no longer exists (already processed or removed); nothing to do"); }
        // A CSV whose header is GBA-V rubrics is a real format: read as a delivery (the probe read the header anyway).
        if (Analysis.Formats.GbaVReader.IsHeader(probe.Header)) return await IngestDeliveryAsync(source, date, blobName, progress, ct);

        // Deduplication looks only at accepted content: a rejected file delivered again (corrected elsewhere, or under a
        // changed threshold) is considered anew.
        var seen = await snapshots.FindBySha256Async(probe.Sha256, ct);
        if (seen is { Status: "accepted" })
        {
            if (settings.DeleteRawAfterIngest) await blob.DeleteIfExistsAsync(cancellationToken: ct);
            return new(blobName, "duplicate", seen, $"same content as {seen.FileName} ({seen.Source} {seen.Date}), processed before");
        }

        // Keys first: without them nothing is written (fail closed).
        var material = await keys.GetAsync(ct);
        var reg = await register(ct);
        var snapshotId = SnapshotStore.SnapshotIdFor(source, date, probe.Sha256);
        if (await PendingSiblingsAsync(source, date, fileName, probe.Sha256, ct) is { Count: > 0 } siblings)
            return await RejectAmbiguousAsync(blobName, probe, siblings, material, reg, ct);
        await lineage.EmitAsync(OpenLineage.IngestStart(reg.Municipality, source, date, fileName, snapshotId, clock.GetUtcNow()), ct);
        var previous = await snapshots.CurrentIdAsync(source, date, ct);
        BuildResult result;
        if (probe.Problem is not null)
            result = BuildResult.Failed(probe.Problem, fileName);
        else
        {
            using var pseudonymiser = new Pseudonymiser(material.PseudonymKey, material.PseudonymKeyVersion);
            var envelope = new IdentityEnvelope(material.EnvelopeKey, material.EnvelopeKeyVersion);
            await using var s = await blob.OpenReadAsync(cancellationToken: ct);
            var builder = new SnapshotBuilder(SourceSchema.For(source), reg, pseudonymiser, envelope, new IngestOptions
            {
                MaxRejectedShare = settings.MaxRejectedShare, Peildatum = DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Progress = progress is null ? null : rows => progress(new IngestProgress(rows, s.Position, probe.Bytes)),
            });
            result = await builder.BuildAsync(s, fileName, probe.IsUtf8, probe.Separator, ct);
        }

        var manifest = ManifestFor(snapshotId, source, date, fileName, probe.Sha256, probe.Bytes, result, material, reg, previous) with
        {
            Encoding = probe.IsUtf8 ? "utf-8" : "windows-1252 (converted to utf-8)", Separator = probe.Separator.ToString(),
            Format = Analysis.Formats.FormatIds.CsvV1, Files = [new DeliveredFile(fileName, probe.Sha256)], Peildatum = date,
        };

        if (result.Spool is not { } spool)
        {
            await snapshots.SaveRejectedAsync(manifest, result.Quarantine, ct);
            await snapshots.MoveToQuarantineAsync(blob, manifest, ct);
            await lineage.EmitAsync(OpenLineage.IngestEnd(reg.Municipality, manifest, clock.GetUtcNow()), ct);
            return new(blobName, "rejected", manifest, result.RejectionReason);
        }
        Faults.Reach("ingest-built");
        await using (spool) await snapshots.SaveAcceptedAsync(manifest, spool, result.Quarantine, Faults, ct);
        await lineage.EmitAsync(OpenLineage.IngestEnd(reg.Municipality, manifest, clock.GetUtcNow()), ct);
        if (settings.DeleteRawAfterIngest) await blob.DeleteIfExistsAsync(cancellationToken: ct);
        return new(blobName, "accepted", manifest, manifest.Replaces is null ? null : $"replaces snapshot {manifest.Replaces}");
    }

    /// <summary>What every manifest records of a build: counts, column decisions, keys, register and predecessor.</summary>
    SnapshotManifest ManifestFor(string snapshotId, string source, string date, string fileName, string sha256, long bytes, BuildResult result,
        KeyMaterial material, DpiaRegister reg, string? previous) => new()
    {
        SnapshotId = snapshotId, Source = source, Date = date, FileName = fileName, Sha256 = sha256, Bytes = bytes,
        Status = result.Spool is null ? "rejected" : "accepted", RejectionReason = result.RejectionReason,
        RowsRead = result.RowsRead, RowsAccepted = result.RowsRead - result.RowsRejected, RowsRejected = result.RowsRejected,
        RowsDuplicate = result.RowsDuplicate, ColumnsDelivered = result.ColumnsDelivered, ColumnsKept = result.ColumnsKept, ColumnsDiscarded = result.ColumnsDiscarded,
        ColumnsPseudonymised = result.ColumnsPseudonymised, ColumnsEnveloped = result.ColumnsEnveloped,
        PseudonymKeyVersion = material.PseudonymKeyVersion, EnvelopeKeyVersion = material.EnvelopeKeyVersion,
        PseudonymKeyFingerprint = material.PseudonymFingerprint, EnvelopeKeyFingerprint = material.EnvelopeFingerprint,
        RegisterSha256 = reg.Sha256, Replaces = result.Spool is null || previous == snapshotId ? null : previous,
        IngestedAt = clock.GetUtcNow(), ResidentsPerPc4 = result.ResidentsPerPc4.Count > 0 ? result.ResidentsPerPc4 : null,
    };

    /// <summary>Other raw files for the same source and date that are waiting in <c>extracts</c> with different content
    /// never seen before: they arrived together with this one.</summary>
    async Task<List<(string Blob, ExtractProbeResult Probe)>> PendingSiblingsAsync(string source, string date, string fileName, string sha256, CancellationToken ct)
    {
        var container = storage.Container(StorageClients.Extracts);
        var found = new List<(string, ExtractProbeResult)>();
        await foreach (var item in container.GetBlobsAsync(global::Azure.Storage.Blobs.Models.BlobTraits.None, global::Azure.Storage.Blobs.Models.BlobStates.None, $"{source}/{date}/", ct))
        {
            var name = item.Name[(source.Length + date.Length + 2)..];
            if (name == fileName || name.Contains('/') || !Analysis.Formats.DeliveryFile.IsCsvName(name)) continue;
            ExtractProbeResult other;
            try { await using var st = await container.GetBlobClient(item.Name).OpenReadAsync(cancellationToken: ct); other = await ExtractProbe.ProbeAsync(st, ExtractProbe.IsGzip(name), ct); }
            catch (RequestFailedException e) when (e.Status == 404) { continue; } // taken meanwhile
            if (other.Sha256 == sha256 || await snapshots.FindBySha256Async(other.Sha256, ct) is not null) continue;
            found.Add((item.Name, other));
        }
        return found;
    }

    /// <summary>Two or more different files for one source and date arrived together: which one is the extract cannot be
    /// known, so all are rejected (and quarantined with a report) and the previous snapshot stays current.</summary>
    async Task<IngestOutcome> RejectAmbiguousAsync(string blobName, ExtractProbeResult probe, List<(string Blob, ExtractProbeResult Probe)> siblings,
        KeyMaterial material, DpiaRegister reg, CancellationToken ct)
    {
        var all = new List<(string Blob, ExtractProbeResult Probe)> { (blobName, probe) };
        all.AddRange(siblings);
        var names = all.Select(a => a.Blob.Split('/')[2]).Order(StringComparer.Ordinal).ToList();
        var parts = blobName.Split('/');
        var reason = $"ambiguous: {all.Count} different files for {parts[0]} {parts[1]} arrived together ({string.Join(", ", names)}); " +
            "deliver one file per source and date (a later file for the same date is then taken as a correction)";
        var outcomes = new List<IngestOutcome>();
        foreach (var (name, p) in all)
        {
            var fileName = name.Split('/')[2];
            var manifest = new SnapshotManifest
            {
                SnapshotId = SnapshotStore.SnapshotIdFor(parts[0], parts[1], p.Sha256), Source = parts[0], Date = parts[1], FileName = fileName,
                Sha256 = p.Sha256, Bytes = p.Bytes, Status = "rejected", RejectionReason = reason, RegisterSha256 = reg.Sha256,
                PseudonymKeyVersion = material.PseudonymKeyVersion, EnvelopeKeyVersion = material.EnvelopeKeyVersion, IngestedAt = clock.GetUtcNow(),
            };
            await snapshots.SaveRejectedAsync(manifest, [new QuarantineEntry(fileName, 0, null, reason)], ct);
            await snapshots.MoveToQuarantineAsync(storage.Container(StorageClients.Extracts).GetBlobClient(name), manifest, ct);
            outcomes.Add(new IngestOutcome(name, "rejected", manifest, reason));
        }
        return outcomes[0] with { Together = outcomes.Skip(1).ToList() };
    }


    /// <summary>Writes <c>_READY</c>: the delivery of <paramref name="source"/> for <paramref name="date"/> is complete.</summary>
    public async Task MarkReadyAsync(string source, string date, CancellationToken ct = default) =>
        await storage.Container(StorageClients.Extracts).GetBlobClient($"{source}/{date}/{ReadyMarker}").UploadAsync(BinaryData.FromString(""), overwrite: true, ct);

    /// <summary>Uploads a local file into <c>extracts</c> as a municipal system would.</summary>
    /// <param name="name">Its name in the delivery folder (a path below it for an unpacked extract); default the file name.</param>
    public async Task<string> DeliverAsync(string localPath, string source, string date, CancellationToken ct = default, string? name = null)
    {
        name = $"{source}/{date}/{name ?? Path.GetFileName(localPath)}";
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
