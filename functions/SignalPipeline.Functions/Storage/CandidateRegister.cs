using Azure;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Storage;

public sealed record HistoryEntry(DateTimeOffset At, string Event, string Actor, string? Detail);

public enum DecideResult { Done, NotFound, AlreadyDecided, Restricted }

/// <summary>The signalenregister (candidate register): table <c>signals</c> holds each signal's current
/// <see cref="SignalState"/>, table <c>signalobservations</c> every distinct observation (evidence, subjects, model
/// version, lineage; appended, never overwritten) and table <c>signalhistory</c> what happened, by whom. The state
/// changes only through <see cref="SignalState"/>'s transitions; this adapter reads, applies one and writes it back
/// with optimistic concurrency. Observation and history rows are keyed by run, so a repeated write is a no-op, and
/// they are written before the state: a crash between the two is repaired by the next attempt.</summary>
public sealed class CandidateRegister(StorageClients storage, TimeProvider? clock = null, Configuration.FaultPoints? faults = null)
{
    readonly TimeProvider time = clock ?? TimeProvider.System;
    const string Partition = "signal";
    TableClient Signals => storage.Table(StorageClients.SignalsTable);
    TableClient History => storage.Table(StorageClients.HistoryTable);
    TableClient ObservationTable => storage.Table(StorageClients.ObservationsTable);

    /// <summary>A run raised this signal (phase-1 intake, or the nightly for one already raised). Idempotent and
    /// monotonic: the same run again is <see cref="Change.Unchanged"/>, an older run <see cref="Change.Stale"/>.</summary>
    public Task<Change> RaiseAsync(Observation o, CancellationToken ct = default) =>
        ApplyAsync(o.SignalId, allowCreate: true, current => SignalState.Raise(current, o, time.GetUtcNow()), async (t, ct) =>
        {
            if (t.AppendObservation) await AddIgnoringConflictAsync(ObservationTable, new TableEntity(o.SignalId, o.RunId) { ["Observation"] = Json.Serialize(o) }, ct);
            var (evt, detail) = t.Change switch
            {
                Change.Created => ("aangemaakt", $"kandidaat uit run {o.RunId}"),
                Change.Returned => ("teruggekeerd", $"opnieuw gesignaleerd in run {o.RunId} na {(t.Next!.PreviousDecision is { } d ? Nl(d.State) : "opgelost")}"),
                Change.Observed => ("bewijs gewijzigd", $"nieuwe waarneming in run {o.RunId}"),
                _ => (null, null),
            };
            if (evt is not null) await AppendAsync(o.SignalId, $"{o.RunId}-{t.Change.ToString().ToLowerInvariant()}", evt, "intake", detail, ct);
        }, ct);

    /// <summary>A run whose model ran no longer raises this signal.</summary>
    public Task<Change> ResolveAsync(string signalId, string runId, CancellationToken ct = default) =>
        ApplyAsync(signalId, allowCreate: false, current => SignalState.Resolve(current!, runId, time.GetUtcNow()),
            (t, ct) => AppendAsync(signalId, $"{runId}-resolved", "opgelost", "nachtrun", $"niet meer gevonden in run {runId}", ct), ct);

    /// <summary>Open → registered or dismissed, with the coordinator's reason, bound to the observation on screen. A second
    /// click or a stale page gets <see cref="DecideResult.AlreadyDecided"/>.</summary>
    public async Task<DecideResult> DecideAsync(string signalId, ReviewState decision, string reason, string actor, CancellationToken ct = default, Outcome? outcome = null)
    {
        var now = time.GetUtcNow();
        var change = await ApplyAsync(signalId, allowCreate: false, current => SignalState.Decide(current!, decision, reason, actor, now, outcome),
            (t, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-decision", Nl(decision) + (outcome is { } o && decision == ReviewState.Dismissed ? $" ({Nl(o)})" : ""), actor, reason, ct), ct);
        return change switch { Change.Decided => DecideResult.Done, Change.NotOpen => DecideResult.AlreadyDecided, Change.Restricted => DecideResult.Restricted, _ => DecideResult.NotFound };
    }

    /// <summary>Sets (a request id) or lifts (null) the restriction of processing (art. 18 AVG) on one signal.</summary>
    public async Task<bool> SetRestrictionAsync(string signalId, string? requestId, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return await ApplyAsync(signalId, allowCreate: false, current => current!.RestrictedBy == requestId ? new(null, Change.Unchanged)
                : new(current with { RestrictedBy = requestId }, Change.RestrictionChanged),
            (t, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-restriction", requestId is null ? "beperking opgeheven" : "verwerking beperkt", actor,
                requestId is null ? "het verzoek tot beperking is afgehandeld" : $"verzoek {requestId} (art. 18 AVG)", ct), ct) == Change.RestrictionChanged;
    }

    /// <summary>An undecided candidate past its term expires (retention); true when it did.</summary>
    public async Task<bool> ExpireAsync(string signalId, int days, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return await ApplyAsync(signalId, allowCreate: false, current => SignalState.Expire(current!, now),
            (t, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-expired", "verlopen", "bewaartermijn", $"na {days} dagen zonder besluit in de niet-actieve omgeving", ct), ct) == Change.Expired;
    }

    /// <summary>The end result of a signal taken further (the recipient's feedback); once.</summary>
    public async Task<bool> RecordEndResultAsync(string signalId, string result, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return await ApplyAsync(signalId, allowCreate: false, current => SignalState.End(current!, result, actor, now),
            (t, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-endresult", "eindresultaat", actor, result, ct), ct) == Change.Ended;
    }

    /// <summary>A phase-1 step (a weighing, a hand-off, feedback), written to the signal and its history.</summary>
    public async Task<Change> Phase1StepAsync(string signalId, Func<Phase1Record, Phase1Record> step, string evt, string actor, string detail, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return await ApplyAsync(signalId, allowCreate: false, current => SignalState.Step(current!, step, now),
            (t, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-phase1", evt, actor, detail, ct), ct);
    }

    /// <summary>The phase-1 decision with its route (stop, police, department, phase 2) and written motivation.</summary>
    public async Task<DecideResult> DecideRouteAsync(string signalId, Phase1Route route, string motivation, string? department, Outcome? outcome, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var change = await ApplyAsync(signalId, allowCreate: false, current => SignalState.DecideRoute(current!, route, motivation, department, outcome, actor, now),
            (t, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-decision", $"besluit: {Phase1Words.Nl(route)}{(department is null ? "" : $" ({department})")}" +
                (route == Phase1Route.Stop && outcome is { } o ? $", {Nl(o)}" : ""), actor, motivation, ct), ct);
        return change switch { Change.Decided => DecideResult.Done, Change.NotOpen => DecideResult.AlreadyDecided, Change.Restricted => DecideResult.Restricted, _ => DecideResult.NotFound };
    }

    /// <summary>Reads, transitions and writes back one signal; retried when another writer got there first.</summary>
    async Task<Change> ApplyAsync(string signalId, bool allowCreate, Func<SignalState?, Transition> transition,
        Func<Transition, CancellationToken, Task> before, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct);
            if (!existing.HasValue && !allowCreate) return Change.Unchanged;
            var current = existing.HasValue ? FromEntity(existing.Value!) : null;
            var t = transition(current);
            if (t.Next is not { } next) return t.Change;
            await before(t, ct);
            faults?.Reach("register-observed");
            try
            {
                if (current is null) await Signals.AddEntityAsync(ToEntity(next), ct);
                else await Signals.UpdateEntityAsync(ToEntity(next), existing.Value!.ETag, TableUpdateMode.Replace, ct);
                return t.Change;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 10) { } // someone else wrote first: read again
        }
    }

    /// <summary>Protocol art. 13: informing the person is postponed (again: the new motivation and date replace the old,
    /// the history keeps both).</summary>
    public async Task<bool> PostponeInformationDutyAsync(string signalId, Analysis.Privacy.InformationDuty duty, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var change = await ApplyAsync(signalId, false, c => new Transition(c! with { InformationDuty = duty, LastProcessedAt = now }, Change.Observed),
            (_, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-informatieplicht", "informatieplicht uitgesteld", duty.PostponedBy,
                $"grond art. 13 lid 1 sub {duty.Ground}: {duty.Motivation}{(duty.DependsOn is { } d ? $"; afhankelijk van: {d}" : "")} (herbeoordelen uiterlijk {duty.ReviewBy:yyyy-MM-dd})", ct), ct);
        return change != Change.Unchanged;
    }

    /// <summary>The person was informed after all: when and how. False when the duty was never postponed.</summary>
    public async Task<bool> RecordInformedAsync(string signalId, DateOnly on, string how, string actor, CancellationToken ct = default)
    {
        if (await GetAsync(signalId, ct) is not { InformationDuty: not null }) return false;
        var now = time.GetUtcNow();
        var change = await ApplyAsync(signalId, false, c => new Transition(c! with
        {
            InformationDuty = c.InformationDuty! with { InformedOn = on, InformedHow = how, InformedBy = actor }, LastProcessedAt = now,
        }, Change.Observed), (_, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-geinformeerd", "betrokkene geïnformeerd", actor, $"op {on:yyyy-MM-dd}: {how}", ct), ct);
        return change != Change.Unchanged;
    }

    /// <summary>Removes a person or company pseudonym from a signal's subjects and observations (erasure, art. 14). A
    /// signal that rests on that person alone (its only subject) is deleted, object or not: what is left would still be
    /// about them. Returns whether the signal still exists.</summary>
    public async Task<bool> RemoveSubjectAsync(string signalId, string pseudonym, string actor, CancellationToken ct = default)
    {
        if (await GetAsync(signalId, ct) is not { } s) return false;
        if (!s.Subjects.Contains(pseudonym)) return true;
        if (s.Subjects.All(x => x == pseudonym)) { await DeleteAsync(signalId, ct); return false; }
        await foreach (var e in ObservationTable.QueryAsync<TableEntity>(e => e.PartitionKey == signalId, cancellationToken: ct))
        {
            var o = Json.Deserialize<Observation>(e.GetString("Observation"));
            e["Observation"] = Json.Serialize(o with { Subjects = o.Subjects.Where(x => x != pseudonym).ToList() });
            await ObservationTable.UpdateEntityAsync(e, ETag.All, TableUpdateMode.Replace, ct);
        }
        var now = time.GetUtcNow();
        await ApplyAsync(signalId, false, c => new Transition(c! with { Subjects = c.Subjects.Where(x => x != pseudonym).ToList() }, Change.Observed),
            (_, ct) => AppendAsync(signalId, $"{now.UtcTicks:D19}-wissing", "betrokkene gewist", actor, "op verzoek van de betrokkene (art. 14)", ct), ct);
        return true;
    }

    /// <summary>Appends a note to a signal's history (rectification and other recorded facts).</summary>
    public Task NoteAsync(string signalId, string evt, string actor, string detail, CancellationToken ct = default) =>
        AppendAsync(signalId, $"{time.GetUtcNow().UtcTicks:D19}-{evt}", evt, actor, detail, ct);

    /// <summary>Deletes a signal with its observations and history (retention, erasure). The audit log keeps that it happened.</summary>
    public async Task DeleteAsync(string signalId, CancellationToken ct = default)
    {
        foreach (var table in new[] { History, ObservationTable })
            await foreach (var h in table.QueryAsync<TableEntity>(h => h.PartitionKey == signalId, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
                await table.DeleteEntityAsync(h.PartitionKey, h.RowKey, ETag.All, ct);
        await Signals.DeleteEntityAsync(Partition, signalId, ETag.All, ct);
    }

    public async Task<SignalState?> GetAsync(string signalId, CancellationToken ct = default)
    {
        var e = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct);
        return e.HasValue ? FromEntity(e.Value!) : null;
    }

    public async Task<IReadOnlyList<SignalState>> ListAsync(CancellationToken ct = default)
    {
        var list = new List<SignalState>();
        await foreach (var e in Signals.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct)) list.Add(FromEntity(e));
        return list;
    }

    /// <summary>Every observation of one signal, oldest first.</summary>
    public async Task<IReadOnlyList<Observation>> ObservationsAsync(string signalId, CancellationToken ct = default)
    {
        var list = new List<Observation>();
        await foreach (var e in ObservationTable.QueryAsync<TableEntity>(e => e.PartitionKey == signalId, cancellationToken: ct))
            list.Add(Json.Deserialize<Observation>(e.GetString("Observation")));
        return list.OrderBy(o => o.RunId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The observation a decision was taken on (or the latest): reveal opens the identity as of that observation.</summary>
    public async Task<Observation?> ObservationAsync(string signalId, string runId, CancellationToken ct = default)
    {
        var e = await ObservationTable.GetEntityIfExistsAsync<TableEntity>(signalId, runId, cancellationToken: ct);
        return e.HasValue ? Json.Deserialize<Observation>(e.Value!.GetString("Observation")) : null;
    }

    /// <summary>Snapshot ids named by any observation of any signal still in the register (retention keeps them).</summary>
    public async Task<HashSet<string>> SnapshotsInUseAsync(CancellationToken ct = default)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in ObservationTable.QueryAsync<TableEntity>(cancellationToken: ct))
            foreach (var s in Json.Deserialize<Observation>(e.GetString("Observation")).Lineage.Snapshots) ids.Add(s.SnapshotId);
        return ids;
    }

    /// <summary>Per snapshot id: what the register's signals refer to in it, through each signal's latest lineage (a
    /// continuing signal appends no observation, yet its latest run used the newest snapshots) and every observation's.
    /// Minimisation keeps exactly these rows' identity envelopes.</summary>
    public async Task<Dictionary<string, Analysis.Snapshots.SignalReferences>> ReferencesBySnapshotAsync(CancellationToken ct = default)
    {
        var bySnapshot = new Dictionary<string, Analysis.Snapshots.SignalReferences>(StringComparer.Ordinal);
        void Add(IEnumerable<Analysis.Snapshots.SnapshotUse> uses, string? obj, IReadOnlyList<string> subjects)
        {
            foreach (var use in uses)
            {
                if (!bySnapshot.TryGetValue(use.SnapshotId, out var refs)) bySnapshot[use.SnapshotId] = refs = new();
                refs.Add(obj, subjects);
            }
        }
        foreach (var s in await ListAsync(ct)) Add(s.Lineage.Snapshots, s.Object, s.Subjects);
        await foreach (var e in ObservationTable.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            var o = Json.Deserialize<Observation>(e.GetString("Observation"));
            Add(o.Lineage.Snapshots, o.Object, o.Subjects);
        }
        return bySnapshot;
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string signalId, CancellationToken ct = default)
    {
        var list = new List<HistoryEntry>();
        await foreach (var e in History.QueryAsync<TableEntity>(e => e.PartitionKey == signalId, cancellationToken: ct))
            list.Add(new HistoryEntry(e.Timestamp ?? default, e.GetString("Event"), e.GetString("Actor"), e.GetString("Detail")));
        return list.OrderBy(h => h.At).ToList();
    }

    async Task AppendAsync(string signalId, string rowKey, string evt, string actor, string? detail, CancellationToken ct) =>
        await AddIgnoringConflictAsync(History, new TableEntity(signalId, rowKey) { ["Event"] = evt, ["Actor"] = actor, ["Detail"] = detail }, ct);

    static async Task AddIgnoringConflictAsync(TableClient table, TableEntity entity, CancellationToken ct)
    {
        try { await table.AddEntityAsync(entity, ct); }
        catch (RequestFailedException e) when (e.Status == 409) { } // written by an earlier attempt
    }

    /// <summary>The review states in the coordinator's words.</summary>
    public static string Nl(Outcome o) => o switch
    {
        Outcome.Doorgezet => "doorgezet", Outcome.Onterecht => "onterecht", Outcome.Bekend => "al bekend", _ => "geen prioriteit",
    };

    public static string Nl(ReviewState s) => s switch
    {
        ReviewState.Open => "kandidaat", ReviewState.Registered => "geregistreerd", ReviewState.Dismissed => "afgewezen",
        ReviewState.Expired => "verlopen", ReviewState.Erased => "gewist", _ => s.ToString(),
    };

    // The state is stored whole as JSON (one mapping, in one place); model and review state are also columns, for
    // anyone reading the table with Storage Explorer.
    static TableEntity ToEntity(SignalState s) => new(Partition, s.SignalId)
    {
        ["Model"] = s.Model, ["Review"] = Json.Serialize(s.Review).Trim('"'), ["Raised"] = s.Raised, ["State"] = Json.Serialize(s),
    };

    static SignalState FromEntity(TableEntity e) => Json.Deserialize<SignalState>(e.GetString("State"));
}
