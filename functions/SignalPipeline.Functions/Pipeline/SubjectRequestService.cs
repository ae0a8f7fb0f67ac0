using System.Text;
using Azure.Storage.Blobs.Models;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

public sealed record SnapshotRowRef(string SnapshotId, string Source, string Date, string FileName, string? Line, string Column);

/// <summary>What the pipeline holds about one person: the signals they are a subject of or whose verblijfsobject they
/// are registered at, the snapshot rows that carry their BSN, and the audit trail of those signals.</summary>
public sealed record SubjectReport(IReadOnlyList<SignalState> Signals, IReadOnlyList<SnapshotRowRef> Rows, IReadOnlyList<AuditEntry> Audit)
{
    /// <summary>What art. 15 AVG asks besides the data itself, for the models that raised a signal about the person.</summary>
    public IReadOnlyList<ModelPurpose> Purposes { get; init; } = [];
    /// <summary>The retention terms that apply, in words.</summary>
    public IReadOnlyList<string> Retention { get; init; } = [];
}

/// <summary>One model that raised a signal about the person: purpose, legal basis, what it reads, and its logic in plain words.</summary>
public sealed record ModelPurpose(string Model, string Name, string Purpose, string LegalBasis, IReadOnlyList<string> Categories, string Logic);

public sealed record ErasureReport(int SignalsChanged, int SignalsDeleted, int SnapshotRows, int RunSignalSets);

/// <summary>Data-subject requests (protocol art. 14). The BSN is checked and pseudonymised at the door and never stored;
/// every request is audited with its reason.</summary>
public sealed class SubjectRequestService(StorageClients storage, SnapshotStore snapshots, CandidateRegister register, RunStore runs, AuditLog audit, IKeyProvider keys, TimeProvider clock,
    Func<CancellationToken, Task<Analysis.Register.DpiaRegister>>? dpia = null, PipelineSettings? settings = null)
{
    static readonly (string Source, string Column)[] PersonColumns = [("brp", "bsn"), ("permits", "aanvrager_bsn"), ("enforcement", "betrokkene_bsn")];

    async Task<string> PseudonymAsync(string bsn, CancellationToken ct) => (await PseudonymsAsync(bsn, ct)).Person;

    /// <summary>The person's pseudonym in the data, and the separate one the audit log names them by.</summary>
    async Task<(string Person, string Audit)> PseudonymsAsync(string bsn, CancellationToken ct)
    {
        if (!Identifiers.TryBsn(bsn, out var normalised, out var reason)) throw new ArgumentException($"not a valid BSN: {reason}");
        var k = await keys.GetAsync(ct);
        using var p = new Pseudonymiser(k.PseudonymKey, k.PseudonymKeyVersion);
        return (p.Pseudonymise(IdKind.Bsn, normalised), p.Pseudonymise(IdKind.AuditSubject, normalised));
    }

    static void RequireReason(string? reason)
    {
        if (!WrittenReason.IsAcceptable(reason)) throw new ArgumentException($"a data-subject request needs a written reason of at least {WrittenReason.MinLength} characters (it goes into the audit log)");
    }

    public async Task<SubjectReport> FindAsync(string bsn, string reason, string actor, CancellationToken ct = default)
    {
        RequireReason(reason);
        var (person, auditName) = await PseudonymsAsync(bsn, ct);
        // Whose data was looked up (the audit pseudonym, never the BSN), by whom and why.
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "coordinator", "subject-request", null, reason.Trim(), "inzage (art. 14)") { Subject = auditName }, ct);

        var (rows, vbos) = await HeldAboutAsync(person, ct);
        var signals = (await register.ListAsync(ct)).Where(c => c.Subjects.Contains(person) || c.Object is { } o && vbos.Contains(o))
            .OrderBy(c => c.SignalId, StringComparer.Ordinal).ToList();
        var ids = signals.Select(s => s.SignalId).ToHashSet();
        var trail = (await audit.ReadAllAsync(ct)).Where(e => e.SignalId is { } s && ids.Contains(s)).OrderBy(e => e.At).ToList();
        return new SubjectReport(signals, rows, trail) { Purposes = await PurposesAsync(signals, ct), Retention = RetentionInWords() };
    }

    /// <summary>Art. 15 AVG: purposes, legal basis, categories and the models' logic, from the DPIA register and the models themselves.</summary>
    async Task<IReadOnlyList<ModelPurpose>> PurposesAsync(IEnumerable<SignalState> signals, CancellationToken ct)
    {
        var register = dpia is null ? null : await dpia(ct);
        return signals.GroupBy(s => s.Model).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var id = g.Key;
            var a = register?.Find(id);
            var model = Analysis.Models.ModelCatalogue.Find(id, g.First().ModelVersion);
            var categories = model?.Reads.Select(r => $"{r.Key}: {string.Join(", ", r.Value)}").ToList() ?? [];
            return new ModelPurpose(id, a?.Name ?? model?.Name ?? id, a?.Purpose ?? "", a?.LegalBasis ?? "", categories,
                model is null ? "" : Analysis.Models.ModelCatalogue.Explain(model, a?.Parameters ?? model.DefaultParameters));
        }).ToList();
    }

    IReadOnlyList<string> RetentionInWords()
    {
        var t = settings?.Retention ?? new RetentionTerms();
        return
        [
            $"Een signaal zonder besluit gaat na {t.UndecidedDays} dagen naar een niet-actieve omgeving en wordt {t.NonActiveDays} dagen later verwijderd.",
            $"Een signaal dat niet tot verdere aanpak leidt, wordt {t.NonActiveDays} dagen na dat besluit verwijderd (privacyprotocol art. 12).",
            $"Een signaal dat is doorgezet, wordt bewaard zolang de zaak loopt en {t.EndResultDays} dagen na het eindresultaat verwijderd.",
            $"Kopieën van de aangeleverde bestanden (snapshots) worden na {t.SnapshotDays} dagen verwijderd als geen signaal ze nodig heeft.",
        ];
    }

    /// <summary>The snapshot rows that carry the person, and the verblijfsobjecten they are registered at.</summary>
    async Task<(List<SnapshotRowRef> Rows, HashSet<string> Vbos)> HeldAboutAsync(string person, CancellationToken ct)
    {
        var rows = new List<SnapshotRowRef>();
        var vbos = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in await snapshots.AllAsync(ct))
        {
            var column = PersonColumns.FirstOrDefault(p => p.Source == m.Source).Column;
            if (column is null) continue;
            var t = await snapshots.LoadAsync(m, [column, "_line", "verblijfsobject_id", "adres"], ct: ct);
            var values = t.Column(column);
            for (var i = 0; i < t.RowCount; i++)
            {
                if (values[i] != person) continue;
                rows.Add(new SnapshotRowRef(m.SnapshotId, m.Source, m.Date, m.FileName, t.Column("_line")[i], column));
                if (m.Source == "brp")
                {
                    if (t.Column("verblijfsobject_id")[i] is { } v) vbos.Add(v);
                    if (t.Column("adres")[i] is { } a) addresses.Add(a);
                }
            }
        }
        // Registrations by address only: find the verblijfsobject through the newest BAG snapshot.
        if (addresses.Count > 0 && await snapshots.LatestAsync("bag", DateOnly.MaxValue, ct) is { } bagManifest)
        {
            var bag = await snapshots.LoadAsync(bagManifest, ["verblijfsobject_id", "adres"], ct: ct);
            for (var i = 0; i < bag.RowCount; i++)
                if (bag.Column("adres")[i] is { } a && addresses.Contains(a) && bag.Column("verblijfsobject_id")[i] is { } v) vbos.Add(v);
        }
        return (rows, vbos);
    }

    /// <summary>Erasure: the person's pseudonym leaves every signal and run signal set; their snapshot rows (and with
    /// them their identity envelopes) are removed. Object-based signals keep their counts, which identify nobody.</summary>
    public async Task<ErasureReport> EraseAsync(string bsn, string reason, string actor, CancellationToken ct = default)
    {
        RequireReason(reason);
        var (person, auditName) = await PseudonymsAsync(bsn, ct);
        var (_, vbos) = await HeldAboutAsync(person, ct);
        int changed = 0, deleted = 0, rowsRemoved = 0, runSets = 0;
        foreach (var c in (await register.ListAsync(ct)).Where(c => c.Subjects.Contains(person)))
        {
            if (await register.RemoveSubjectAsync(c.SignalId, person, actor, ct)) changed++; else deleted++;
        }
        foreach (var m in await snapshots.AllAsync(ct))
        {
            var column = PersonColumns.FirstOrDefault(p => p.Source == m.Source).Column;
            if (column is null) continue;
            var t = await snapshots.LoadAsync(m, withEnvelope: true, ct: ct);
            var keep = Enumerable.Range(0, t.RowCount).Where(i => t.Column(column)[i] != person).ToList();
            if (keep.Count == t.RowCount) continue;
            await using var spool = new SnapshotSpool(t.ColumnNames);
            foreach (var i in keep) await spool.AddAsync(t.Row(i), t.Envelope(i), ct);
            rowsRemoved += t.RowCount - keep.Count;
            await snapshots.ReplaceDataAsync(m with { RowsErased = m.RowsErased + (t.RowCount - keep.Count), ErasedAt = clock.GetUtcNow() }, spool, ct);
        }
        // Signals about the person's addresses that rest on them alone: without their rows the rule no longer fires.
        foreach (var id in await RestingOnErasedAsync(vbos, ct))
        {
            await register.DeleteAsync(id, ct);
            deleted++;
        }
        foreach (var runId in await runs.ListIdsAsync(ct))
        {
            var set = await runs.GetSignalsAsync(runId, ct);
            if (!set.Any(s => s.Signal.Subjects.Contains(person))) continue;
            await runs.ReplaceSignalsAsync(runId, set.Select(s => s.Signal.Subjects.Contains(person)
                ? s with { Signal = s.Signal with { Subjects = s.Signal.Subjects.Where(x => x != person).ToList() } } : s).ToList(), ct);
            runSets++;
        }
        // The next extract brings the person back: the suppression list keeps every model from seeing them.
        await SuppressAsync(person, "wissing (art. 17 AVG, protocol art. 14)", actor, ct);
        var report = new ErasureReport(changed, deleted, rowsRemoved, runSets);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "coordinator", "erasure", null, reason.Trim(),
            $"wissing (art. 14): {changed} signalen aangepast, {deleted} verwijderd, {rowsRemoved} snapshotrijen met identiteitsenvelop verwijderd, {runSets} runresultaten aangepast") { Subject = auditName }, ct);
        return report;
    }

    /// <summary>Enters a request of the person in the request register, by their audit pseudonym; audited.</summary>
    public async Task<RightsRequest> RegisterRequestAsync(string bsn, string type, DateOnly received, string reason, string actor, CancellationToken ct = default)
    {
        RequireReason(reason);
        if (RightsRequestTypes.Text(type) is null) throw new ArgumentException($"onbekend soort verzoek '{type}'");
        if (received > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) throw new ArgumentException("de datum van ontvangst ligt in de toekomst");
        var (person, auditName) = await PseudonymsAsync(bsn, ct);
        var request = await new RequestRegister(storage).AddAsync(id => new RightsRequest(id, type, auditName, received, reason.Trim(), actor), ct);
        // Restriction (art. 18 AVG): the person's signals stay visible but are not processed further while it is open.
        if (type == "beperking")
            foreach (var c in (await register.ListAsync(ct)).Where(c => c.Subjects.Contains(person)))
                await register.SetRestrictionAsync(c.SignalId, request.Id, actor, ct);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "coordinator", "request-registered", null, reason.Trim(),
            $"{request.Id}: {RightsRequestTypes.Text(type)}, ontvangen {received:yyyy-MM-dd}, uiterlijk {request.Deadline:yyyy-MM-dd}") { Subject = auditName }, ct);
        return request;
    }

    /// <summary>Extends a request once by two months, or closes it (granted or refused) with the response; audited.</summary>
    public async Task<RightsRequest?> UpdateRequestAsync(string id, string action, string text, string actor, CancellationToken ct = default)
    {
        RequireReason(text);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var updated = await new RequestRegister(storage).UpdateAsync(id, r => action switch
        {
            "verlengen" => r.Extend(text.Trim()),
            RightsRequest.Granted or RightsRequest.Refused => r.Close(action, text.Trim(), today),
            _ => null,
        }, ct);
        if (updated is { Type: "beperking" } && updated.Status != RightsRequest.Open)
            foreach (var c in (await register.ListAsync(ct)).Where(c => c.RestrictedBy == id))
                await register.SetRestrictionAsync(c.SignalId, null, actor, ct);
        if (updated is not null)
            await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "coordinator", "request-" + (action == "verlengen" ? "extended" : "closed"), null, text.Trim(),
                $"{id}: {(action == "verlengen" ? $"verlengd tot {updated.Deadline:yyyy-MM-dd}" : action)}") { Subject = updated.Subject }, ct);
        return updated;
    }

    /// <summary>An upheld objection (art. 21 AVG): the person is put on the suppression list with that ground; from the
    /// next run no model processes them, so their signals resolve. Audited with the reason, by the audit pseudonym.</summary>
    public async Task<DateOnly> ObjectAsync(string bsn, string reason, string actor, CancellationToken ct = default)
    {
        RequireReason(reason);
        var (person, auditName) = await PseudonymsAsync(bsn, ct);
        var until = await SuppressAsync(person, "bezwaar gehonoreerd (art. 21 AVG)", actor, ct);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "coordinator", "objection-upheld", null, reason.Trim(),
            $"bezwaar gehonoreerd: op de onderdrukkingslijst tot en met {until:yyyy-MM-dd}") { Subject = auditName }, ct);
        return until;
    }

    async Task<DateOnly> SuppressAsync(string person, string ground, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = DateOnly.FromDateTime(now.UtcDateTime).AddDays(settings?.SuppressionDays ?? 1826);
        await new SuppressionList(storage).AddAsync(new Suppression(SuppressionKey.For(person), ground, until, now, actor), ct);
        return until;
    }

    /// <summary>The register's signals on these verblijfsobjecten that the latest completed run's models, run again on
    /// that run's snapshots as they are now (the person's rows erased), no longer raise. Only models that ran then and
    /// run now count: a refused model proves nothing either way.</summary>
    async Task<IReadOnlyList<string>> RestingOnErasedAsync(HashSet<string> vbos, CancellationToken ct)
    {
        if (vbos.Count == 0 || dpia is null || settings is null) return [];
        var latest = (await runs.ListAsync(ct)).LastOrDefault(r => r.Status == Analysis.Runs.RunStatus.Completed && !r.Backfill);
        if (latest is null || await runs.GetAsync(latest.RunId, ct) is not { } run) return [];
        var loaded = new Dictionary<string, Analysis.Runs.LoadedSnapshot>();
        foreach (var use in run.Snapshots)
            if (await snapshots.GetManifestAsync(use.SnapshotId, ct) is { } m) loaded[m.Source] = new(m, await snapshots.LoadForRunAsync(m, suppressing: false, ct));
        var reg = await dpia(ct);
        var again = Analysis.Runs.NightlyRunner.Run(new Analysis.Runs.RunInput(run.RunId, DateOnly.Parse(run.ReferenceDate), "erasure", run.Territory, reg,
            loaded, null, [], Analysis.Models.ModelCatalogue.For(reg), settings.ModelParameters, clock, settings.AreaReport) { Seed = run.Seed, Exclusions = NightlyService.Exclusions(reg, await keys.GetAsync(ct)) });
        var ran = run.ModelsThatRan();
        ran.IntersectWith(again.Record.ModelsThatRan());
        var raised = again.Signals.Select(s => s.Signal.SignalId).ToHashSet(StringComparer.Ordinal);
        return (await register.ListAsync(ct)).Where(s => s.Object is { } o && vbos.Contains(o) && ran.Contains(s.Model) && !raised.Contains(s.SignalId))
            .Select(s => s.SignalId).ToList();
    }

    /// <summary>Rectification (art. 14): the data itself is corrected in the source register and arrives with the next
    /// extract; here every signal about the person records the request in its history, so whoever reads the signal
    /// knows that its data was contested and corrected at the source.</summary>
    public async Task<int> RectifyAsync(string bsn, string reason, string actor, CancellationToken ct = default)
    {
        var report = await FindAsync(bsn, reason, actor, ct);
        foreach (var c in report.Signals) await register.NoteAsync(c.SignalId, "rectificatie", actor, reason.Trim(), ct);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "coordinator", "rectification", null, reason.Trim(),
            $"rectificatie (art. 14) vastgelegd bij {report.Signals.Count} signalen; correctie in de bronregistratie"), ct);
        return report.Signals.Count;
    }

}
