using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Register;

namespace SignalPipeline.Functions.Storage;

/// <summary>One version of the DPIA register as stored: who proposed it, and who approved or rejected it.</summary>
public sealed record RegisterVersionInfo(int Number, string RegisterVersion, string Sha256, string ProposedBy, DateTimeOffset ProposedAt, string? Note)
{
    public string Status { get; init; } = Proposed;
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecisionNote { get; init; }
    public const string Proposed = "proposed", Approved = "approved", Rejected = "rejected";
}

/// <summary>A model stopped at once by one person (the emergency brake), until a register version approved later says otherwise.</summary>
public sealed record Suspension(string Model, string Reason, string Actor, DateTimeOffset At);

/// <summary>A lifecycle step the rules forbid (four eyes, a decided version, an unknown model): exit 3, nothing changed.</summary>
public sealed class RegisterRefusedException(string message) : Exception(message);

/// <summary>The DPIA register in storage (docs/contracts/models.md v2, "DPIA register lifecycle"): immutable versioned
/// documents in <c>dpia/versions/{n}.json</c>, their status in the <c>dpiaversions</c> table, suspensions in
/// <c>dpiasuspensions</c>. A version is proposed, then approved by a DPIA reviewer who is not the proposer; the newest
/// approved version governs runs, with the suspensions made after its approval on top. Every step is audited. The
/// installation's first version is the packaged register, recorded as such.</summary>
public sealed class DpiaRegisterStore(StorageClients storage, AuditLog audit, TimeProvider clock)
{
    const string Partition = "v";
    TableClient Versions => storage.Table(StorageClients.DpiaVersionsTable);
    TableClient Suspensions => storage.Table(StorageClients.DpiaSuspensionsTable);
    Azure.Storage.Blobs.BlobContainerClient Documents => storage.Container(StorageClients.Dpia);

    public async Task<IReadOnlyList<RegisterVersionInfo>> VersionsAsync(CancellationToken ct = default)
    {
        var list = new List<RegisterVersionInfo>();
        await foreach (var e in Versions.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct))
            list.Add(Configuration.Json.Deserialize<RegisterVersionInfo>(e.GetString("Info")));
        return list.OrderBy(v => v.Number).ToList();
    }

    public async Task<IReadOnlyList<Suspension>> SuspensionsAsync(CancellationToken ct = default)
    {
        var list = new List<Suspension>();
        await foreach (var e in Suspensions.QueryAsync<TableEntity>(cancellationToken: ct))
            list.Add(Configuration.Json.Deserialize<Suspension>(e.GetString("Suspension")));
        return list.OrderBy(s => s.At).ToList();
    }

    public async Task<byte[]> DocumentAsync(int number, CancellationToken ct = default) =>
        (await Documents.GetBlobClient(DocumentName(number)).DownloadContentAsync(ct)).Value.Content.ToArray();

    static string DocumentName(int number) => $"versions/{number:D4}.json";

    /// <summary>Stores a new version as proposed. It must parse; it changes nothing until a DPIA reviewer approves it.</summary>
    public async Task<RegisterVersionInfo> ProposeAsync(byte[] document, string actor, string? note, CancellationToken ct = default)
    {
        var parsed = DpiaRegister.Parse(document); // a register that does not parse is never stored
        await EnsureInstalledAsync(null, ct);
        for (var attempt = 0; ; attempt++)
        {
            var number = (await VersionsAsync(ct)).Select(v => v.Number).DefaultIfEmpty(0).Max() + 1;
            var info = new RegisterVersionInfo(number, parsed.RegisterVersion, parsed.Sha256, actor, clock.GetUtcNow(), note);
            // The document first (write-once: never overwritten), then the row that makes it exist.
            try { await Documents.GetBlobClient(DocumentName(number)).UploadAsync(new BinaryData(document), overwrite: false, ct); }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < 5) { continue; }
            try { await Versions.AddEntityAsync(Entity(info), ct); }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < 5) { continue; }
            await Audit(actor, "dpia-propose", $"version {number} ({parsed.RegisterVersion}, sha256 {parsed.Sha256[..12]}){(note is null ? "" : ": " + note)}", ct);
            return info;
        }
    }

    /// <summary>Four eyes: a DPIA reviewer who did not propose the version approves it; it governs from the next run on.</summary>
    public Task<RegisterVersionInfo> ApproveAsync(int number, string actor, string? note, CancellationToken ct = default) =>
        DecideAsync(number, actor, note, RegisterVersionInfo.Approved, ct);

    public Task<RegisterVersionInfo> RejectAsync(int number, string actor, string? note, CancellationToken ct = default) =>
        DecideAsync(number, actor, note, RegisterVersionInfo.Rejected, ct);

    async Task<RegisterVersionInfo> DecideAsync(int number, string actor, string? note, string status, CancellationToken ct)
    {
        var entity = await Versions.GetEntityIfExistsAsync<TableEntity>(Partition, Key(number), cancellationToken: ct);
        if (!entity.HasValue) throw new RegisterRefusedException($"register version {number} does not exist");
        var info = Configuration.Json.Deserialize<RegisterVersionInfo>(entity.Value!.GetString("Info"));
        if (info.Status != RegisterVersionInfo.Proposed) throw new RegisterRefusedException($"register version {number} is already {info.Status}");
        if (string.Equals(info.ProposedBy, actor, StringComparison.OrdinalIgnoreCase))
        {
            await Audit(actor, "dpia-refused", $"version {number}: the proposer cannot {(status == RegisterVersionInfo.Approved ? "approve" : "reject")} it (four eyes)", ct);
            throw new RegisterRefusedException($"{actor} proposed register version {number} and cannot also decide on it: another DPIA reviewer must (four eyes)");
        }
        var decided = info with { Status = status, DecidedBy = actor, DecidedAt = clock.GetUtcNow(), DecisionNote = note };
        // Optimistic concurrency: two reviewers deciding at once, one wins.
        try { await Versions.UpdateEntityAsync(Entity(decided), entity.Value!.ETag, TableUpdateMode.Replace, ct); }
        catch (RequestFailedException e) when (e.Status == 412) { throw new RegisterRefusedException($"register version {number} was decided by someone else just now"); }
        await Audit(actor, status == RegisterVersionInfo.Approved ? "dpia-approve" : "dpia-reject", $"version {number} ({info.RegisterVersion}){(note is null ? "" : ": " + note)}", ct);
        return decided;
    }

    /// <summary>The emergency brake: one person stops a model at once, effective at the next run, without a redeploy.
    /// Its open candidates leave the coordinator's list (marked, not deleted).</summary>
    public async Task<Suspension> SuspendAsync(string model, string reason, string actor, CancellationToken ct = default)
    {
        if (!Analysis.Privacy.WrittenReason.IsAcceptable(reason))
            throw new RegisterRefusedException($"a suspension needs a written reason of at least {Analysis.Privacy.WrittenReason.MinLength} characters");
        var current = await EffectiveAsync(null, ct);
        if (current.Register.Find(model) is null) throw new RegisterRefusedException($"model {model} is not in the DPIA register in force");
        var s = new Suspension(model, reason.Trim(), actor, clock.GetUtcNow());
        await Suspensions.AddEntityAsync(new TableEntity(model, $"{s.At.UtcTicks:D19}") { ["Suspension"] = Configuration.Json.Serialize(s) }, ct);
        await Audit(actor, "dpia-suspend", $"model {model}: {s.Reason}", ct);
        return s;
    }

    /// <summary>The register that governs a run now: the newest approved version, with the suspensions made after its
    /// approval applied. Its SHA-256 covers both.</summary>
    /// <param name="installFrom">The packaged register file, stored as version 1 when storage holds none yet.</param>
    /// <param name="keep">Keep the effective document (by its hash) for replay: for what a run or an ingest records, not
    /// for a page that only shows it.</param>
    public async Task<(DpiaRegister Register, RegisterVersionInfo Version, IReadOnlyList<Suspension> Suspended)> EffectiveAsync(string? installFrom, CancellationToken ct = default, bool keep = false)
    {
        await EnsureInstalledAsync(installFrom, ct);
        var approved = (await VersionsAsync(ct)).Where(v => v.Status == RegisterVersionInfo.Approved).MaxBy(v => v.DecidedAt)
            ?? throw new RegisterException("no approved DPIA register version in storage");
        var document = await DocumentAsync(approved.Number, ct);
        var register = DpiaRegister.Parse(document);
        var suspended = (await SuspensionsAsync(ct)).Where(s => s.At > approved.DecidedAt && register.Find(s.Model) is not null).ToList();
        var models = register.Models.Select(m => suspended.Any(s => s.Model == m.Id) ? m with { Status = ApprovalStatus.Suspended } : m).ToList();
        var text = new StringBuilder(register.Sha256);
        foreach (var s in suspended) text.Append("\nsuspended ").Append(s.Model).Append(' ').Append(s.At.UtcTicks);
        var effective = register with
        {
            Models = models,
            RegisterVersion = $"{register.RegisterVersion}#{approved.Number}" + (suspended.Count > 0 ? $"+{suspended.Count} geschorst" : ""),
            Sha256 = suspended.Count == 0 ? register.Sha256 : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))),
        };
        if (keep) await KeepEffectiveAsync(effective, ct);
        return (effective, approved, suspended);
    }

    /// <summary>A past run's register, by the SHA-256 it recorded (runs replay).</summary>
    public async Task<DpiaRegister?> EffectiveBySha256Async(string sha256, CancellationToken ct = default)
    {
        try
        {
            var bytes = (await Documents.GetBlobClient($"effective/{sha256}.json").DownloadContentAsync(ct)).Value.Content.ToArray();
            return DpiaRegister.Parse(bytes) with { Sha256 = sha256 };
        }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    async Task KeepEffectiveAsync(DpiaRegister effective, CancellationToken ct)
    {
        var blob = Documents.GetBlobClient($"effective/{effective.Sha256}.json");
        if (await blob.ExistsAsync(ct)) return;
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(effective, DpiaRegister.Json);
        try { await blob.UploadAsync(new BinaryData(json), overwrite: false, ct); }
        catch (RequestFailedException e) when (e.Status == 409) { } // kept by a concurrent run
    }

    /// <summary>The first version: the packaged register, recorded as installed (proposed and approved by the installation).</summary>
    async Task EnsureInstalledAsync(string? installFrom, CancellationToken ct)
    {
        if (await Versions.GetEntityIfExistsAsync<TableEntity>(Partition, Key(1), select: ["RowKey"], cancellationToken: ct) is { HasValue: true }) return;
        if (installFrom is null) throw new RegisterException("the DPIA register in storage is empty; run `nightly` or `dpia show` once to install the packaged register");
        var document = await File.ReadAllBytesAsync(installFrom, ct);
        var parsed = DpiaRegister.Parse(document);
        var now = clock.GetUtcNow();
        var info = new RegisterVersionInfo(1, parsed.RegisterVersion, parsed.Sha256, "installatie", now, $"meegeleverd register {Path.GetFileName(installFrom)}")
        { Status = RegisterVersionInfo.Approved, DecidedBy = "installatie", DecidedAt = now, DecisionNote = "de goedkeuringen in het bestand zijn buiten dit product gegeven (zie approved_by per model)" };
        try { await Documents.GetBlobClient(DocumentName(1)).UploadAsync(new BinaryData(document), overwrite: false, ct); }
        catch (RequestFailedException e) when (e.Status == 409) { }
        try { await Versions.AddEntityAsync(Entity(info), ct); }
        catch (RequestFailedException e) when (e.Status == 409) { return; } // installed by a concurrent command
        await Audit("installatie", "dpia-install", $"version 1 ({parsed.RegisterVersion}, sha256 {parsed.Sha256[..12]}) from {Path.GetFileName(installFrom)}", ct);
    }

    static string Key(int number) => number.ToString("D6");
    static TableEntity Entity(RegisterVersionInfo info) => new(Partition, Key(info.Number)) { ["Info"] = Configuration.Json.Serialize(info) };

    Task Audit(string actor, string action, string detail, CancellationToken ct) =>
        audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "dpia", action, null, "DPIA-register (models.md v2)", detail), ct);
}
