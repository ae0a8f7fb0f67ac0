using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Runs;

/// <summary>What a run must change in the signalenregister: signals to take in through phase-1 intake (created, or
/// returned after a resolve or a dismissal), signals to mark as still raised (possibly with a new observation), and
/// signals to resolve. Planned against the register as it is, not against the previous run alone, so a run that was
/// interrupted anywhere and resumed, or run again on corrected snapshots, leaves the register exactly as one
/// uninterrupted run would.</summary>
public sealed record RegisterPlan(IReadOnlyList<Observation> ToIntake, IReadOnlyList<Observation> ToContinue, IReadOnlyList<string> ToResolve)
{
    public bool IsEmpty => ToIntake.Count == 0 && ToContinue.Count == 0 && ToResolve.Count == 0;
}

public static class Reconciliation
{
    /// <summary>Signals this run raises for the register: not shadow, from a model that ran.</summary>
    public static IEnumerable<Observation> Raised(RunRecord run, IEnumerable<RunSignal> signals)
    {
        var ran = run.ModelsThatRan();
        return signals.Where(s => !s.Shadow && s.State is RunState.New or RunState.Continuing && ran.Contains(s.Signal.Model))
            .Select(s => Observation.Of(s.Signal, run.RunId, run.ReferenceDate, run.LineageFor(s.Signal.Model)));
    }

    public static RegisterPlan Plan(RunRecord run, IReadOnlyList<RunSignal> signals, IReadOnlyDictionary<string, SignalState> register, DateTimeOffset now)
    {
        var intake = new List<Observation>();
        var cont = new List<Observation>();
        var raisedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in Raised(run, signals))
        {
            raisedIds.Add(o.SignalId);
            switch (SignalState.Raise(register.GetValueOrDefault(o.SignalId), o, now).Change)
            {
                case Change.Created or Change.Returned: intake.Add(o); break;
                case Change.Continued or Change.Observed: cont.Add(o); break;
            }
        }
        var ran = run.ModelsThatRan();
        raisedIds.UnionWith(Carried(signals));
        var resolve = register.Values
            .Where(s => ran.Contains(s.Model) && !raisedIds.Contains(s.SignalId) && SignalState.Resolve(s, run.RunId, now).Change == Change.Resolved)
            .Select(s => s.SignalId).Order(StringComparer.Ordinal).ToList();
        return new RegisterPlan(intake, cont, resolve);
    }

    /// <summary>Signals the run carried (a sample kept until decided): neither raised again nor resolved.</summary>
    static IEnumerable<string> Carried(IEnumerable<RunSignal> signals) => signals.Where(s => s.State == RunState.Carried).Select(s => s.Signal.SignalId);

    /// <summary>The signals whose register state does not yet reflect this run (empty when the run may be completed).</summary>
    public static IReadOnlyList<string> NotApplied(RunRecord run, IReadOnlyList<RunSignal> signals, IReadOnlyDictionary<string, SignalState> register)
    {
        var missing = new List<string>();
        var raisedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in Raised(run, signals))
        {
            raisedIds.Add(o.SignalId);
            if (register.GetValueOrDefault(o.SignalId) is not { } s || string.CompareOrdinal(s.AppliedRunId, run.RunId) < 0) missing.Add(o.SignalId);
        }
        var ran = run.ModelsThatRan();
        raisedIds.UnionWith(Carried(signals));
        missing.AddRange(register.Values.Where(s => ran.Contains(s.Model) && !raisedIds.Contains(s.SignalId) && s.Raised
            && string.CompareOrdinal(s.AppliedRunId, run.RunId) < 0).Select(s => s.SignalId));
        return missing;
    }
}
