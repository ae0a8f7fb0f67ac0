using Azure;
using Azure.Data.Tables;
using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Azure;

/// <summary>One candidate in the signalenregister, as the review UI shows it.</summary>
public sealed record Candidate(
    string SignalId, string Model, string ModelVersion, string Theme, string? Object, IReadOnlyList<string> Subjects,
    IReadOnlyDictionary<string, string> Evidence, string Status, string NightlyState, string FirstRunId, string LastRunId,
    string ReferenceDate, IntakeLineage Lineage, DateTimeOffset? ReceivedAt)
{
    public DateTimeOffset? DecidedAt { get; init; }
    public DateTimeOffset? LastProcessedAt { get; init; }
    /// <summary>Set when the candidate moved to the non-active environment (dismissed, or resolved undecided).</summary>
    public DateTimeOffset? NonActiveSince { get; init; }
    /// <summary>Protocol art. 13: informing the data subject postponed, with the reason and the review date.</summary>
    public string? InformationDutyPostponedReason { get; init; }
    public DateOnly? InformationDutyReviewBy { get; init; }
    public bool IsActive => NonActiveSince is null;
}

public sealed record HistoryEntry(DateTimeOffset At, string Event, string Actor, string? Detail);

/// <summary>The candidate register (table <c>signals</c>, key = signal id) and each signal's append-only history
/// (table <c>signalhistory</c>). Review statuses are Dutch, the users' words: kandidaat, geregistreerd, afgewezen.</summary>
public sealed class SignalRegister(StorageClients storage, TimeProvider? clock = null)
{
    readonly TimeProvider time = clock ?? TimeProvider.System;
    public const string Kandidaat = "kandidaat", Geregistreerd = "geregistreerd", Afgewezen = "afgewezen";
    const string Partition = "signal";
    TableClient Signals => storage.Table(StorageClients.SignalsTable);
    TableClient History => storage.Table(StorageClients.HistoryTable);

    /// <summary>Takes a message in. Idempotent: the signal id is the key and the history row key is derived from the run,
    /// so a re-delivered message changes nothing. Returns what happened.</summary>
    public async Task<string> TakeInAsync(IntakeMessage m, CancellationToken ct = default)
    {
        var existing = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, m.SignalId, cancellationToken: ct);
        if (!existing.HasValue)
        {
            var entity = new TableEntity(Partition, m.SignalId)
            {
                ["Model"] = m.Model, ["ModelVersion"] = m.ModelVersion, ["Theme"] = m.Theme, ["Object"] = m.Object,
                ["Subjects"] = Json.Serialize(m.Subjects), ["Evidence"] = Json.Serialize(m.Evidence),
                ["Status"] = Kandidaat, ["NightlyState"] = "new", ["FirstRunId"] = m.RunId, ["LastRunId"] = m.RunId,
                ["ReferenceDate"] = m.ReferenceDate, ["Lineage"] = Json.Serialize(m.Lineage), ["LastProcessedAt"] = time.GetUtcNow(),
            };
            try { await Signals.AddEntityAsync(entity, ct); }
            catch (RequestFailedException e) when (e.Status == 409) { return "already registered"; }
            await AppendAsync(m.SignalId, $"{m.RunId}-intake", "aangemaakt", "intake", $"kandidaat uit run {m.RunId}", ct);
            return "created";
        }
        var current = existing.Value!;
        // Re-delivered, or the same night run again: nothing changes. Only a resolved signal that is raised anew reopens.
        if (current.GetString("NightlyState") != "resolved") return "already registered";
        // Raised again after it had been resolved: the same signal, seen anew.
        current["NightlyState"] = "new"; current["LastRunId"] = m.RunId; current["Evidence"] = Json.Serialize(m.Evidence);
        current["LastProcessedAt"] = time.GetUtcNow();
        if (current.GetString("Status") == Kandidaat) current["NonActiveSince"] = null; // back in the active register
        current["ModelVersion"] = m.ModelVersion; current["Lineage"] = Json.Serialize(m.Lineage);
        await Signals.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, ct);
        await AppendAsync(m.SignalId, $"{m.RunId}-intake", "opnieuw gesignaleerd", "intake", $"opnieuw gevonden in run {m.RunId}", ct);
        return "raised again";
    }

    /// <summary>Records the nightly state of a signal already in the register (continuing or resolved).</summary>
    public async Task MarkNightlyAsync(string signalId, string state, string runId, CancellationToken ct = default)
    {
        var existing = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct);
        if (!existing.HasValue) return; // a shadow signal, or one whose intake message is still queued
        var e = existing.Value!;
        if (e.GetString("NightlyState") == state && e.GetString("LastRunId") == runId) return;
        var update = new TableEntity(Partition, signalId) { ["NightlyState"] = state, ["LastRunId"] = runId };
        // An undecided candidate that the night no longer finds led nowhere: it moves to the non-active environment.
        if (state == "resolved" && e.GetString("Status") == Kandidaat && e.GetDateTimeOffset("NonActiveSince") is null) update["NonActiveSince"] = time.GetUtcNow();
        await Signals.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, ct);
        if (state == "resolved") await AppendAsync(signalId, $"{runId}-resolved", "opgelost", "nachtrun", $"niet meer gevonden in run {runId}", ct);
    }

    public enum Decision { Done, NotFound, AlreadyDecided }

    /// <summary>kandidaat → geregistreerd or afgewezen, with the coordinator's reason. Once decided, a signal keeps its
    /// decision (a second click or a stale page gets <see cref="Decision.AlreadyDecided"/>). Optimistic concurrency.</summary>
    public async Task<Decision> DecideAsync(string signalId, string status, string reason, string actor, CancellationToken ct = default)
    {
        if (status is not (Geregistreerd or Afgewezen)) throw new ArgumentException($"unknown decision {status}");
        var existing = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct);
        if (!existing.HasValue) return Decision.NotFound;
        var e = existing.Value!;
        if (e.GetString("Status") != Kandidaat) return Decision.AlreadyDecided;
        e["Status"] = status;
        e["DecisionReason"] = reason;
        e["DecidedAt"] = time.GetUtcNow();
        e["LastProcessedAt"] = time.GetUtcNow();
        if (status == Afgewezen) e["NonActiveSince"] = time.GetUtcNow();
        try { await Signals.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Merge, ct); }
        catch (RequestFailedException x) when (x.Status == 412) { return Decision.AlreadyDecided; }
        await AppendAsync(signalId, $"{time.GetUtcNow().UtcTicks:D19}-decision", status, actor, reason, ct);
        return Decision.Done;
    }

    /// <summary>Protocol art. 13: the data subject is not informed yet; the reason and the moment to look again.</summary>
    public async Task<bool> PostponeInformationDutyAsync(string signalId, string reason, DateOnly reviewBy, string actor, CancellationToken ct = default)
    {
        if (!(await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct)).HasValue) return false;
        await Signals.UpdateEntityAsync(new TableEntity(Partition, signalId)
        {
            ["InformationDutyPostponedReason"] = reason, ["InformationDutyReviewBy"] = reviewBy.ToString("yyyy-MM-dd"), ["LastProcessedAt"] = time.GetUtcNow(),
        }, ETag.All, TableUpdateMode.Merge, ct);
        await AppendAsync(signalId, $"{time.GetUtcNow().UtcTicks:D19}-informatieplicht", "informatieplicht uitgesteld", actor, $"{reason} (herbeoordelen uiterlijk {reviewBy:yyyy-MM-dd})", ct);
        return true;
    }

    /// <summary>Removes a person or company pseudonym from a signal's subjects (erasure, art. 14); a signal left with
    /// neither object nor subject is deleted. Returns whether the signal still exists.</summary>
    public async Task<bool> RemoveSubjectAsync(string signalId, string pseudonym, string actor, CancellationToken ct = default)
    {
        var existing = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct);
        if (!existing.HasValue) return false;
        var e = existing.Value!;
        var subjects = Json.Deserialize<List<string>>(e.GetString("Subjects") ?? "[]");
        if (!subjects.Remove(pseudonym)) return true;
        if (subjects.Count == 0 && e.GetString("Object") is null) { await DeleteAsync(signalId, ct); return false; }
        e["Subjects"] = Json.Serialize(subjects);
        await Signals.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace, ct);
        await AppendAsync(signalId, $"{time.GetUtcNow().UtcTicks:D19}-wissing", "betrokkene gewist", actor, "op verzoek van de betrokkene (art. 14)", ct);
        return true;
    }

    /// <summary>Appends a note to a signal's history (rectification and other recorded facts).</summary>
    public Task NoteAsync(string signalId, string evt, string actor, string detail, CancellationToken ct = default) =>
        AppendAsync(signalId, $"{time.GetUtcNow().UtcTicks:D19}-{evt}", evt, actor, detail, ct);

    /// <summary>Deletes a signal and its history (retention, erasure). The audit log keeps that it happened.</summary>
    public async Task DeleteAsync(string signalId, CancellationToken ct = default)
    {
        await foreach (var h in History.QueryAsync<TableEntity>(h => h.PartitionKey == signalId, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            await History.DeleteEntityAsync(h.PartitionKey, h.RowKey, ETag.All, ct);
        await Signals.DeleteEntityAsync(Partition, signalId, ETag.All, ct);
    }

    public async Task<Candidate?> GetAsync(string signalId, CancellationToken ct = default)
    {
        var e = await Signals.GetEntityIfExistsAsync<TableEntity>(Partition, signalId, cancellationToken: ct);
        return e.HasValue ? ToCandidate(e.Value!) : null;
    }

    public async Task<IReadOnlyList<Candidate>> ListAsync(CancellationToken ct = default)
    {
        var list = new List<Candidate>();
        await foreach (var e in Signals.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct)) list.Add(ToCandidate(e));
        return list;
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string signalId, CancellationToken ct = default)
    {
        var list = new List<HistoryEntry>();
        await foreach (var e in History.QueryAsync<TableEntity>(e => e.PartitionKey == signalId, cancellationToken: ct))
            list.Add(new HistoryEntry(e.Timestamp ?? default, e.GetString("Event"), e.GetString("Actor"), e.GetString("Detail")));
        return list.OrderBy(h => h.At).ToList();
    }

    async Task AppendAsync(string signalId, string rowKey, string evt, string actor, string? detail, CancellationToken ct)
    {
        try { await History.AddEntityAsync(new TableEntity(signalId, rowKey) { ["Event"] = evt, ["Actor"] = actor, ["Detail"] = detail }, ct); }
        catch (RequestFailedException e) when (e.Status == 409) { } // already appended by an earlier delivery
    }

    static Candidate ToCandidate(TableEntity e) => new(
        e.RowKey, e.GetString("Model"), e.GetString("ModelVersion"), e.GetString("Theme"), e.GetString("Object"),
        Json.Deserialize<List<string>>(e.GetString("Subjects") ?? "[]"), Json.Deserialize<Dictionary<string, string>>(e.GetString("Evidence") ?? "{}"),
        e.GetString("Status"), e.GetString("NightlyState"), e.GetString("FirstRunId"), e.GetString("LastRunId"),
        e.GetString("ReferenceDate"), Json.Deserialize<IntakeLineage>(e.GetString("Lineage") ?? "{}"), e.Timestamp)
    {
        DecidedAt = e.GetDateTimeOffset("DecidedAt"),
        LastProcessedAt = e.GetDateTimeOffset("LastProcessedAt"),
        NonActiveSince = e.GetDateTimeOffset("NonActiveSince"),
        InformationDutyPostponedReason = e.GetString("InformationDutyPostponedReason"),
        InformationDutyReviewBy = DateOnly.TryParse(e.GetString("InformationDutyReviewBy"), out var d) ? d : null,
    };
}
