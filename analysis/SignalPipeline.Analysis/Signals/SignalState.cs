using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Signals;

/// <summary>A signal's state in one run (docs/contracts/models.md "Signal identity and change over time").</summary>
public enum RunState
{
    New,
    Continuing,
    Resolved,
    /// <summary>The model did not run tonight (refused by the gate, or failed): its open signals are carried, not resolved.</summary>
    Carried,
}

/// <summary>Where the coordinator's phase-1 review of a signal stands (the <c>review_state</c> of <c>signals list</c>).</summary>
public enum ReviewState { Open, Registered, Dismissed, Expired, Erased }

/// <summary>The snapshots, DPIA register and approval a signal was raised under.</summary>
public sealed record SignalLineage(IReadOnlyList<SnapshotUse> Snapshots, string RegisterVersion, string RegisterSha256, string? DpiaReference);

/// <summary>What one run saw of a signal: its evidence, subjects, model version and lineage. Appended to the signal's
/// history whenever it differs from the previous observation; nothing is overwritten.</summary>
public sealed record Observation(
    string SignalId, string Model, string ModelVersion, string Theme, string? Object, IReadOnlyList<string> Subjects,
    IReadOnlyDictionary<string, string> Evidence, string RunId, string ReferenceDate, SignalLineage Lineage)
{
    /// <summary>Identifies the content (model version, subjects, evidence), not the run: equal content, equal fingerprint.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder(ModelVersion).Append('\n');
        foreach (var s in Subjects.Order(StringComparer.Ordinal)) text.Append(s).Append('\n');
        foreach (var (k, v) in Evidence.OrderBy(e => e.Key, StringComparer.Ordinal)) text.Append(k).Append('=').Append(v).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
    }

    public static Observation Of(Signal s, string runId, string referenceDate, SignalLineage lineage) =>
        new(s.SignalId, s.Model, s.ModelVersion, s.Theme, s.Object, s.Subjects, s.Evidence, runId, referenceDate, lineage);
}

/// <summary>A phase-1 decision and the observation it was taken on (its basis stays readable after later nights).</summary>
public sealed record Decision(ReviewState State, string Reason, string Actor, DateTimeOffset At, string ObservationRunId)
{
    /// <summary>The outcome category (docs/contracts/models.md v2, "Outcomes and quality"); null for decisions recorded before it existed.</summary>
    public Outcome? Outcome { get; init; }
    /// <summary>The model version the decision judged (the observation on screen), so quality counts per version.</summary>
    public string? ModelVersion { get; init; }
}

/// <summary>What a phase-1 decision concluded about the signal: the measure of a model's quality.</summary>
public enum Outcome
{
    /// <summary>Taken into phase 2 (or handed to the police or another department): the signal held.</summary>
    Doorgezet,
    /// <summary>The facts do not hold.</summary>
    Onterecht,
    /// <summary>Already known or handled.</summary>
    Bekend,
    /// <summary>True, but not a priority now.</summary>
    GeenPrioriteit,
}

/// <summary>What became of a signal taken further (the recipient's end result), which starts its retention term.</summary>
public sealed record EndResult(string Result, string Actor, DateTimeOffset At);

/// <summary>What a transition did to a signal in the signalenregister.</summary>
public enum Change
{
    /// <summary>Not in the register before: a new candidate.</summary>
    Created,
    /// <summary>Raised again by a later run, same evidence.</summary>
    Continued,
    /// <summary>Raised again with changed evidence: a new observation was appended.</summary>
    Observed,
    /// <summary>Resolved or dismissed before, raised again: shown to the coordinator as returned.</summary>
    Returned,
    /// <summary>No longer raised by a run whose model ran.</summary>
    Resolved,
    /// <summary>Undecided past its term: moved to the non-active environment (protocol art. 12).</summary>
    Expired,
    /// <summary>The end result of a signal taken further was recorded.</summary>
    Ended,
    /// <summary>Already applied (a re-delivered message, a resumed run): nothing changes.</summary>
    Unchanged,
    /// <summary>Older than what the register already holds (a stale message or a back-filled run): ignored.</summary>
    Stale,
    /// <summary>A phase-1 decision was recorded.</summary>
    Decided,
    /// <summary>The decision was refused: the signal is not open.</summary>
    NotOpen,
    /// <summary>Refused: the person asked to restrict processing (art. 18 AVG) and the request is open.</summary>
    Restricted,
    /// <summary>A restriction was set or lifted.</summary>
    RestrictionChanged,
}

/// <summary>The outcome of a transition: the next state (null when nothing is to be written), what happened, and
/// whether a new observation must be appended to the history.</summary>
public sealed record Transition(SignalState? Next, Change Change, bool AppendObservation = false);

/// <summary>One signal in the signalenregister: the current state, derived only through the transitions below, so
/// that intake, the nightly reconciliation and the review UI cannot disagree on what a state means.
/// Runs are ordered by their ids (<c>R{yyyyMMdd}-{seq}</c>): a transition from a run older than the latest one
/// applied is stale and changes nothing, which keeps the register monotonic under re-delivery, resumed runs and
/// back-fills.</summary>
public sealed record SignalState
{
    public required string SignalId { get; init; }
    public required string Model { get; init; }
    public required string ModelVersion { get; init; }
    public required string Theme { get; init; }
    public string? Object { get; init; }
    public IReadOnlyList<string> Subjects { get; init; } = [];
    /// <summary>The latest observation's evidence; earlier observations stay in the history.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();
    public required SignalLineage Lineage { get; init; }
    public ReviewState Review { get; init; } = ReviewState.Open;
    /// <summary>True while the latest run whose model ran still raises it.</summary>
    public bool Raised { get; init; } = true;
    public RunState Nightly { get; init; } = RunState.New;
    public required string FirstRunId { get; init; }
    /// <summary>The latest run that raised it, and that run's reference date.</summary>
    public required string LastRunId { get; init; }
    public required string LastReferenceDate { get; init; }
    /// <summary>The latest run whose raise or resolve was applied (the monotonic guard).</summary>
    public required string AppliedRunId { get; init; }
    public string? ResolvedRunId { get; init; }
    /// <summary>The run of the latest observation, its content fingerprint, and how many observations there are.</summary>
    public required string ObservationRunId { get; init; }
    public required string ObservationFingerprint { get; init; }
    public int Observations { get; init; } = 1;
    /// <summary>Dismissed or resolved before, then raised again.</summary>
    public bool Returned { get; init; }
    public Decision? Decision { get; init; }
    /// <summary>The decision in force before the signal returned (shown beside the new evidence).</summary>
    public Decision? PreviousDecision { get; init; }
    /// <summary>Set when the signal moved to the non-active environment (dismissed, or resolved undecided; protocol art. 12).</summary>
    public DateTimeOffset? NonActiveSince { get; init; }
    public DateTimeOffset? LastProcessedAt { get; init; }
    /// <summary>Protocol art. 13: informing the data subject postponed (ground, motivation, review date), and later informed.</summary>
    public Privacy.InformationDuty? InformationDuty { get; init; }
    /// <summary>Since when it waits for a phase-1 decision (raised, or returned); the undecided term counts from here.</summary>
    public DateTimeOffset? OpenSince { get; init; }
    /// <summary>For a signal taken further: the end result the recipient reported; its retention term counts from here.</summary>
    public EndResult? EndResult { get; init; }
    /// <summary>The open restriction request (art. 18 AVG) of a person in this signal: it stays visible but is not processed
    /// further (no decision, no reveal, no end result) until the request is closed.</summary>
    public string? RestrictedBy { get; init; }
    /// <summary>The protocol's phase 1, step by step: weighings, the decision's route, hand-offs and the recipient's feedback.</summary>
    public Phase1Record? Phase1 { get; init; }

    /// <summary><see cref="OpenSince"/>, or for signals recorded before it was kept, the reference date of the first run.</summary>
    [JsonIgnore] public DateTimeOffset OpenSinceOrFirstRun => OpenSince ?? (FirstRunId is { Length: >= 9 } id
        && DateOnly.TryParseExact(id[1..9], "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
        ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue);

    [JsonIgnore] public bool IsActive => NonActiveSince is null;
    [JsonIgnore] public DateTimeOffset? DecidedAt => Decision?.At;

    /// <summary>A run raised this signal (through intake, or the nightly reconciliation for one already raised).</summary>
    public static Transition Raise(SignalState? current, Observation o, DateTimeOffset now)
    {
        var fingerprint = o.Fingerprint();
        if (current is null)
            return new(new SignalState
            {
                SignalId = o.SignalId, Model = o.Model, ModelVersion = o.ModelVersion, Theme = o.Theme, Object = o.Object,
                Subjects = o.Subjects, Evidence = o.Evidence, Lineage = o.Lineage, FirstRunId = o.RunId, LastRunId = o.RunId,
                LastReferenceDate = o.ReferenceDate, AppliedRunId = o.RunId, ObservationRunId = o.RunId,
                ObservationFingerprint = fingerprint, LastProcessedAt = now, OpenSince = now,
            }, Change.Created, AppendObservation: true);

        var order = string.CompareOrdinal(o.RunId, current.AppliedRunId);
        if (order < 0) return new(null, Change.Stale);
        if (order == 0) return new(null, Change.Unchanged);

        var changed = fingerprint != current.ObservationFingerprint;
        var next = current with
        {
            Raised = true, Nightly = RunState.Continuing, LastRunId = o.RunId, LastReferenceDate = o.ReferenceDate, AppliedRunId = o.RunId,
            ResolvedRunId = null,
        };
        if (changed)
            next = next with
            {
                ModelVersion = o.ModelVersion, Theme = o.Theme, Subjects = o.Subjects, Evidence = o.Evidence, Lineage = o.Lineage,
                ObservationRunId = o.RunId, ObservationFingerprint = fingerprint, Observations = current.Observations + 1, LastProcessedAt = now,
            };

        // Returned: it had been resolved (the situation went away and came back), or it was dismissed and the evidence
        // is no longer what the dismissal was based on. Never silently: the coordinator weighs it again.
        var dismissedOnOtherEvidence = current.Review == ReviewState.Dismissed && changed;
        if (!current.Raised || dismissedOnOtherEvidence)
        {
            next = next with { Nightly = RunState.New, Returned = true, LastProcessedAt = now };
            if (current.Review is ReviewState.Dismissed or ReviewState.Expired)
                next = next with { Review = ReviewState.Open, PreviousDecision = current.Decision ?? current.PreviousDecision, Decision = null, OpenSince = now };
            if (next.Review == ReviewState.Open) next = next with { NonActiveSince = null };
            return new(next, Change.Returned, changed);
        }
        return new(next, changed ? Change.Observed : Change.Continued, changed);
    }

    /// <summary>A run whose model ran no longer raises this signal. Its status is updated, never deleted early; an
    /// undecided candidate moves to the non-active environment.</summary>
    public static Transition Resolve(SignalState current, string runId, DateTimeOffset now)
    {
        var order = string.CompareOrdinal(runId, current.AppliedRunId);
        if (order < 0) return new(null, Change.Stale);
        if (order == 0 || !current.Raised) return new(null, Change.Unchanged);
        return new(current with
        {
            Raised = false, Nightly = RunState.Resolved, AppliedRunId = runId, ResolvedRunId = runId,
            NonActiveSince = current.Review == ReviewState.Open ? current.NonActiveSince ?? now : current.NonActiveSince,
        }, Change.Resolved);
    }

    /// <summary>An undecided candidate past its term: expired, into the non-active environment, where it stays for the
    /// non-active term like a stopped signal (protocol art. 12 lid 1a). Only an open signal expires.</summary>
    public static Transition Expire(SignalState current, DateTimeOffset now) =>
        current.Review != ReviewState.Open ? new(null, Change.Unchanged)
            : new(current with { Review = ReviewState.Expired, NonActiveSince = current.NonActiveSince ?? now, LastProcessedAt = now }, Change.Expired);

    /// <summary>The recipient's end result on a signal taken further (registered): recorded once, starting its term.</summary>
    public static Transition End(SignalState current, string result, string actor, DateTimeOffset now) =>
        current.RestrictedBy is not null ? new(null, Change.Restricted) : current.Review != ReviewState.Registered || current.EndResult is not null ? new(null, Change.NotOpen)
            : new(current with { EndResult = new EndResult(result, actor, now), LastProcessedAt = now }, Change.Ended);

    /// <summary>Records a phase-1 step (weighing, hand-off, feedback) on an open or decided signal; refused while restricted.</summary>
    public static Transition Step(SignalState current, Func<Phase1Record, Phase1Record> step, DateTimeOffset now) =>
        current.RestrictedBy is not null ? new(null, Change.Restricted)
            : new(current with { Phase1 = step(current.Phase1 ?? new Phase1Record()), LastProcessedAt = now }, Change.Decided);

    /// <summary>The protocol's phase-1 decision with its route: stop is a dismissal (with its outcome category); police,
    /// another department or phase 2 take the signal further (doorgezet). Refused while a route is blocked by the weighings.</summary>
    public static Transition DecideRoute(SignalState current, Phase1Route route, string motivation, string? department, Outcome? outcome, string actor, DateTimeOffset now)
    {
        if (Phase1Record.Blocks(current.Phase1, route) is not null) return new(null, Change.NotOpen);
        var t = Decide(current, route == Phase1Route.Stop ? ReviewState.Dismissed : ReviewState.Registered, motivation, actor, now, route == Phase1Route.Stop ? outcome : null);
        return t.Next is not { } next ? t
            : t with { Next = next with { Phase1 = (current.Phase1 ?? new Phase1Record()) with { Decision = new Phase1Decision(route, motivation, department, actor, now) } } };
    }

    /// <summary>The phase-1 decision on an open signal, bound to the observation on screen. Registered or dismissed only.</summary>
    /// <param name="outcome">The outcome category; registering is always <see cref="Outcome.Doorgezet"/>, dismissing needs one of the others.</param>
    public static Transition Decide(SignalState current, ReviewState decision, string reason, string actor, DateTimeOffset now, Outcome? outcome = null)
    {
        if (decision is not (ReviewState.Registered or ReviewState.Dismissed)) throw new ArgumentException($"a phase-1 decision is registered or dismissed, not {decision}");
        if (decision == ReviewState.Registered) outcome = Outcome.Doorgezet;
        else if (outcome == Outcome.Doorgezet) throw new ArgumentException("a dismissal cannot have the outcome doorgezet");
        if (current.RestrictedBy is not null) return new(null, Change.Restricted);
        if (current.Review != ReviewState.Open) return new(null, Change.NotOpen);
        return new(current with
        {
            Review = decision, Decision = new Decision(decision, reason, actor, now, current.ObservationRunId) { Outcome = outcome, ModelVersion = current.ModelVersion },
            LastProcessedAt = now,
            NonActiveSince = decision == ReviewState.Dismissed ? now : current.NonActiveSince,
        }, Change.Decided);
    }
}
