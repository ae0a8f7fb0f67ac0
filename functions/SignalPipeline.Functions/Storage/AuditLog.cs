using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Storage;

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Role, string Action, string? SignalId, string? Reason, string? Detail)
{
    /// <summary>Whose data an action concerned, as a pseudonym (data-subject requests); never a plain identifier.</summary>
    public string? Subject { get; init; }
    /// <summary>Position in the chain (1, 2, …), the previous entry's hash, and this entry's hash over its own text.</summary>
    public long Seq { get; init; }
    public string? Prev { get; init; }
    public string? Hash { get; init; }
}

/// <summary>The result of checking the chain from its first entry.</summary>
public sealed record AuditVerification(long Entries, bool Intact, string? FirstBroken)
{
    public override string ToString() => Intact ? $"audit log intact: {Entries} entries chain from the first" : $"audit log BROKEN: {FirstBroken}";
}

/// <summary>The append-only audit log, hash-chained: every entry carries the hash of the one before it and a hash over
/// its own text, so a changed, removed or inserted entry breaks the chain at that point (<see cref="VerifyAsync"/>,
/// <c>audit verify</c>). JSON lines in append blobs <c>audit/chain-{n}.jsonl</c> (a new blob every 40 000 entries, under
/// the container's immutability policy in Azure). An entry is appended only at the position its writer read, so two
/// writers at once never fork the chain: the later one reads again. Pseudonyms only.</summary>
public sealed class AuditLog(StorageClients storage)
{
    const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    const int EntriesPerBlob = 40_000;
    global::Azure.Storage.Blobs.BlobContainerClient Container => storage.Container(StorageClients.Audit);

    public async Task WriteAsync(AuditEntry entry, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (blob, length, blocks, last) = await HeadAsync(ct);
            if (blocks >= EntriesPerBlob) { await Container.GetAppendBlobClient(BlobName(Number(blob) + 1)).CreateIfNotExistsAsync(cancellationToken: ct); continue; }
            var chained = entry with { Seq = (last?.Seq ?? 0) + 1, Prev = last?.Hash ?? Genesis, Hash = null };
            var line = Json.Serialize(chained with { Hash = HashOf(chained) }) + "\n";
            try
            {
                await using var s = new MemoryStream(Encoding.UTF8.GetBytes(line));
                await Container.GetAppendBlobClient(blob).AppendBlockAsync(s, new AppendBlobAppendBlockOptions { Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = length } }, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 409 && attempt < 50) { } // another writer appended first: read the head again
        }
    }

    /// <summary>The entries of one UTC day (by their time), in chain order.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadDayAsync(DateOnly day, CancellationToken ct = default) =>
        (await ReadAllAsync(ct)).Where(e => DateOnly.FromDateTime(e.At.UtcDateTime) == day).ToList();

    public async Task<IReadOnlyList<AuditEntry>> ReadAllAsync(CancellationToken ct = default)
    {
        var all = new List<AuditEntry>();
        foreach (var (_, lines) in await LinesAsync(ct))
            foreach (var line in lines)
                try { all.Add(Json.Deserialize<AuditEntry>(line)); }
                catch (System.Text.Json.JsonException) { } // a damaged line: VerifyAsync names it
        return all;
    }

    /// <summary>Walks the chain from the first entry: each entry's sequence, link to the previous hash and own hash.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        long count = 0;
        var prev = Genesis;
        foreach (var (blob, lines) in await LinesAsync(ct))
            for (var i = 0; i < lines.Count; i++)
            {
                var where = $"entry {count + 1} ({blob}, line {i + 1})";
                AuditEntry e;
                try { e = Json.Deserialize<AuditEntry>(lines[i]); }
                catch (System.Text.Json.JsonException) { return new(count, false, $"{where} is not a readable entry"); }
                if (e.Seq != count + 1) return new(count, false, $"{where} has sequence number {e.Seq} where {count + 1} was expected (an entry was removed or inserted)");
                if (e.Prev != prev) return new(count, false, $"{where} does not chain to the entry before it");
                if (e.Hash != HashOf(e with { Hash = null }) || Json.Serialize(e) + "" != lines[i]) return new(count, false, $"{where} was changed after it was written");
                prev = e.Hash!;
                count++;
            }
        return new(count, true, null);
    }

    static string HashOf(AuditEntry withoutHash) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json.Serialize(withoutHash))));

    static string BlobName(int n) => $"chain-{n:D6}.jsonl";
    static int Number(string blob) => int.Parse(blob["chain-".Length..^".jsonl".Length]);

    async Task<List<string>> ChainBlobsAsync(CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var b in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, "chain-", ct)) names.Add(b.Name);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    async Task<List<(string Blob, List<string> Lines)>> LinesAsync(CancellationToken ct)
    {
        var result = new List<(string, List<string>)>();
        foreach (var name in await ChainBlobsAsync(ct))
            result.Add((name, (await Container.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList()));
        return result;
    }

    /// <summary>The blob to append to, its length and block count, and the last entry of the chain.</summary>
    async Task<(string Blob, long Length, int Blocks, AuditEntry? Last)> HeadAsync(CancellationToken ct)
    {
        var names = await ChainBlobsAsync(ct);
        if (names.Count == 0)
        {
            await Container.GetAppendBlobClient(BlobName(1)).CreateIfNotExistsAsync(cancellationToken: ct);
            names.Add(BlobName(1));
        }
        var current = names[^1];
        var props = (await Container.GetBlobClient(current).GetPropertiesAsync(cancellationToken: ct)).Value;
        var last = props.ContentLength > 0 ? await LastEntryAsync(current, props.ContentLength, ct)
            : names.Count > 1 ? await LastEntryAsync(names[^2], (await Container.GetBlobClient(names[^2]).GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength, ct) : null;
        return (current, props.ContentLength, props.BlobCommittedBlockCount, last);
    }

    async Task<AuditEntry?> LastEntryAsync(string blob, long length, CancellationToken ct)
    {
        var from = Math.Max(0, length - 16_384);
        var tail = (await Container.GetBlobClient(blob).DownloadContentAsync(new global::Azure.Storage.Blobs.Models.BlobDownloadOptions { Range = new HttpRange(from, length - from) }, ct)).Value.Content.ToString();
        var line = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return line is null ? null : Json.Deserialize<AuditEntry>(line);
    }
}
