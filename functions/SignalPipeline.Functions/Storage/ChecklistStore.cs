using System.Text.Json;
using Azure;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Functions.Storage;

/// <summary>The municipality's checklist (protocol Bijlage 2) in storage: versioned, write-once documents in
/// <c>dpia/checklist/{n}.json</c>; the newest governs new first weighings, each of which records the version it used.
/// An admin sets a new version (<c>checklist set</c>), audited; the packaged list is version 1.</summary>
public sealed class ChecklistStore(StorageClients storage, AuditLog audit, TimeProvider clock)
{
    Azure.Storage.Blobs.BlobContainerClient Documents => storage.Container(StorageClients.Dpia);

    public static Checklist Parse(byte[] bytes)
    {
        Checklist? c;
        try { c = JsonSerializer.Deserialize<Checklist>(bytes, DpiaRegister.Json); }
        catch (JsonException e) { throw new RegisterException($"the checklist is not valid JSON: {e.Message}"); }
        if (c is null || string.IsNullOrWhiteSpace(c.Version) || c.PersonCategories is null || c.Indicators is null || (c.Indicators.Count == 0 && !c.PersonCategories.Any()))
            throw new RegisterException("the checklist needs version, person_categories and indicators");
        return c;
    }

    /// <summary>The packaged list (Bijlage 2 of the protocol), installed as version 1.</summary>
    public static string Packaged => Path.Combine(AppContext.BaseDirectory, "config", "checklist-bijlage2.json");

    public async Task<(Checklist Checklist, int Number)> CurrentAsync(CancellationToken ct = default, string? installFrom = null)
    {
        installFrom ??= Packaged;
        var numbers = new List<int>();
        await foreach (var b in Documents.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "checklist/", ct))
            if (int.TryParse(Path.GetFileNameWithoutExtension(b.Name), out var n)) numbers.Add(n);
        if (numbers.Count == 0)
        {
            await StoreAsync(1, await File.ReadAllBytesAsync(installFrom, ct), "installatie", ct);
            numbers.Add(1);
        }
        var newest = numbers.Max();
        return (Parse((await Documents.GetBlobClient($"checklist/{newest:D4}.json").DownloadContentAsync(ct)).Value.Content.ToArray()), newest);
    }

    /// <summary>A new version (the admin's edit); it governs first weighings from now on.</summary>
    public async Task<(Checklist Checklist, int Number)> SetAsync(byte[] document, string actor, CancellationToken ct = default)
    {
        var parsed = Parse(document);
        var (_, current) = await CurrentAsync(ct);
        await StoreAsync(current + 1, document, actor, ct);
        return (parsed, current + 1);
    }

    async Task StoreAsync(int number, byte[] document, string actor, CancellationToken ct)
    {
        var parsed = Parse(document);
        try { await Documents.GetBlobClient($"checklist/{number:D4}.json").UploadAsync(new BinaryData(document), overwrite: false, ct); }
        catch (RequestFailedException e) when (e.Status == 409) { throw new RegisterRefusedException($"checklist version {number} was stored by someone else just now; run the command again"); }
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "admin", "checklist-set", null, "protocol Bijlage 2", $"version {number} ({parsed.Version})"), ct);
    }
}
