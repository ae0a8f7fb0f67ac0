using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Formats;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>Real source formats (docs/contracts/sources.md): all files of <c>{source}/{date}/</c> form one delivery.
/// A multi-file delivery is complete when <c>_READY</c> is in the folder; zips are read as their files; the format is
/// detected from the content, read into v1 rows and built into a snapshot like a v1 CSV.</summary>
public sealed partial class IngestService
{
    public const string ReadyMarker = "_READY";

    static bool IsDeliveryName(string name) => name == ReadyMarker || DeliveryFile.IsDataFileName(name);

    /// <summary>A lone LV BAG part or ZGW list is one file of a multi-file delivery (a zip, a GBA-V or Haal Centraal file is whole).</summary>
    static Task<bool> IsPartAsync(BlobClient blob, string name, string source, CancellationToken ct) => Task.Run(() =>
    {
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".zip.gz", StringComparison.OrdinalIgnoreCase)) return false;
        var scope = new List<IDisposable>();
        try
        {
            var files = DeliveryFile.Expand(new DeliveryFile(name, () => blob.OpenRead()), scope);
            return files.Count == 1 && FormatDetector.Detect(files[0], source) is FormatIds.LvBag or FormatIds.Zgw or FormatDetector.LvBagAncillary;
        }
        catch (FormatRejectedException) { return false; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; }
        finally { foreach (var d in scope) d.Dispose(); }
    }, ct);

    async Task<IngestOutcome> IngestDeliveryAsync(string source, string date, string blobName, Action<IngestProgress>? progress, CancellationToken ct)
    {
        var container = storage.Container(StorageClients.Extracts);
        var prefix = $"{source}/{date}/";
        var names = new List<string>();
        var ready = false;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct))
        {
            var name = item.Name[prefix.Length..];
            if (name == ReadyMarker) ready = true;
            else if (!DeliveryFile.IsNoise(name)) names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        if (names.Count == 0) return new(blobName, "gone", null, "the delivery folder holds no files (already processed or removed); nothing to do");
        if (!ready && (names.Count > 1 || await IsPartAsync(container.GetBlobClient(prefix + names[0]), names[0], source, ct)))
            return new(blobName, "waiting", null, $"a delivery of several files is complete when {ReadyMarker} is in {prefix} ({names.Count} file{(names.Count == 1 ? "" : "s")} so far)");

        // The delivery's identity: SHA-256 over the sorted (name, SHA-256) list of its files.
        var files = new List<DeliveredFile>();
        long bytes = 0;
        foreach (var name in names)
        {
            await using var s = await container.GetBlobClient(prefix + name).OpenReadAsync(cancellationToken: ct);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await s.ReadAsync(buffer, ct)) > 0) { sha.AppendData(buffer, 0, n); bytes += n; }
            files.Add(new DeliveredFile(name, Convert.ToHexStringLower(sha.GetHashAndReset())));
        }
        var composite = files.Count == 1 ? files[0].Sha256
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Name}\t{f.Sha256}\n")))));
        var fileName = files.Count == 1 ? files[0].Name : $"{files.Count} files";

        if (await snapshots.FindBySha256Async(composite, ct) is { Status: "accepted" } seen)
        {
            if (settings.DeleteRawAfterIngest) await DeleteDeliveryAsync(container, prefix, names, ct);
            return new(blobName, "duplicate", seen, $"same content as {seen.FileName} ({seen.Source} {seen.Date}), processed before");
        }

        var material = await keys.GetAsync(ct);
        var reg = await register(ct);
        var snapshotId = SnapshotStore.SnapshotIdFor(source, date, composite);
        await lineage.EmitAsync(OpenLineage.IngestStart(reg.Municipality, source, date, fileName, snapshotId, clock.GetUtcNow()), ct);
        var previous = await snapshots.CurrentIdAsync(source, date, ct);

        using var pseudonymiser = new Pseudonymiser(material.PseudonymKey, material.PseudonymKeyVersion);
        var envelope = new IdentityEnvelope(material.EnvelopeKey, material.EnvelopeKeyVersion);
        var options = new IngestOptions { MaxRejectedShare = settings.MaxRejectedShare, Peildatum = DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Progress = progress is null ? null : rows => progress(new IngestProgress(rows, 0, 0)) };
        SnapshotBuilder Builder(IngestOptions o) => new(SourceSchema.For(source), reg, pseudonymiser, envelope, o);
        var scope = new List<IDisposable>();
        string format = FormatIds.CsvV1;
        string? peildatum = date;
        IReadOnlyDictionary<string, long>? skipped = null;
        BuildResult result;
        try
        {
            var delivery = names.SelectMany(name => DeliveryFile.Expand(new DeliveryFile(name, () => container.GetBlobClient(prefix + name).OpenRead()), scope)).ToList();
            format = DeliveryReader.Detect(source, delivery);
            if (format == FormatIds.CsvV1)
            {
                // A v1 CSV inside a zip: the same builder, after the same probe.
                ExtractProbeResult probe;
                await using (var s = delivery[0].Open()) probe = await ExtractProbe.ProbeAsync(s, gzip: false, ct);
                await using var content = delivery[0].Open();
                result = probe.Problem is not null ? BuildResult.Failed(probe.Problem, fileName) : await Builder(options).BuildAsync(content, delivery[0].Name, probe.IsUtf8, probe.Separator, ct);
            }
            else
            {
                var conversion = DeliveryReader.Read(format, source, DateOnly.ParseExact(date, "yyyy-MM-dd"), delivery, id => pseudonymiser.Pseudonymise(IdKind.Verblijfsobject, id));
                peildatum = Conversion.Date(conversion.Peildatum ?? DateOnly.ParseExact(date, "yyyy-MM-dd"));
                result = await ConvertedSnapshot.BuildAsync(conversion, Builder, options, fileName, ct);
                skipped = conversion.Skipped.Count > 0 ? conversion.Skipped : null;
            }
        }
        catch (FormatRejectedException e) { result = BuildResult.Failed(e.Message, fileName, e.Locator); }
        // A file that breaks its format somewhere a reader did not expect: rejected whole, named by type only (a parser's
        // message may quote the content).
        catch (Exception e) when (FormatRejectedException.IsParseFailure(e)) { result = BuildResult.Failed(FormatRejectedException.Describe(e, format), fileName); }
        finally { foreach (var d in scope) d.Dispose(); }

        var manifest = ManifestFor(snapshotId, source, date, fileName, composite, bytes, result, material, reg, previous) with
        {
            Format = format, Files = files, Peildatum = peildatum, RowsSkipped = skipped,
        };
        if (result.Spool is not { } spool)
        {
            await snapshots.SaveRejectedAsync(manifest, result.Quarantine, ct);
            foreach (var name in names) await snapshots.MoveToQuarantineAsync(container.GetBlobClient(prefix + name), manifest, ct, name);
            await container.GetBlobClient(prefix + ReadyMarker).DeleteIfExistsAsync(cancellationToken: ct);
            await lineage.EmitAsync(OpenLineage.IngestEnd(reg.Municipality, manifest, clock.GetUtcNow()), ct);
            return new(blobName, "rejected", manifest, result.RejectionReason);
        }
        Faults.Reach("ingest-built");
        await using (spool) await snapshots.SaveAcceptedAsync(manifest, spool, result.Quarantine, Faults, ct);
        await lineage.EmitAsync(OpenLineage.IngestEnd(reg.Municipality, manifest, clock.GetUtcNow()), ct);
        if (settings.DeleteRawAfterIngest) await DeleteDeliveryAsync(container, prefix, names, ct);
        return new(blobName, "accepted", manifest, manifest.Replaces is null ? null : $"replaces snapshot {manifest.Replaces}");
    }

    static async Task DeleteDeliveryAsync(BlobContainerClient container, string prefix, IEnumerable<string> names, CancellationToken ct)
    {
        foreach (var name in names.Append(ReadyMarker)) await container.GetBlobClient(prefix + name).DeleteIfExistsAsync(cancellationToken: ct);
    }
}
