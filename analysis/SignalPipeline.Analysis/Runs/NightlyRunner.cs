using System.Diagnostics;
using SignalPipeline.Analysis.Linking;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Runs;

public sealed record LoadedSnapshot(SnapshotManifest Manifest, SnapshotTable Table);

public sealed record RunInput(
    string RunId,
    DateOnly ReferenceDate,
    string Trigger,
    IReadOnlyList<string> Territory,
    DpiaRegister Register,
    IReadOnlyDictionary<string, LoadedSnapshot> Snapshots,
    string? PreviousRunId,
    IReadOnlyList<RunSignal> Previous,
    IReadOnlyList<ISignalModel> Models,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>? ParameterOverrides = null,
    TimeProvider? Clock = null,
    AreaReportOptions? AreaReport = null,
    IReadOnlyDictionary<string, int>? MaxAgeDays = null,
    IReadOnlySet<string>? Suppressed = null)
{
    /// <summary>Per model id, the objects it never raises (the approval's exclusion list, pseudonymised).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>>? Exclusions { get; init; }
    /// <summary>The run's random seed (control sample); null draws a fresh one, recorded in the run.</summary>
    public int? Seed { get; init; }
}

/// <summary>Per source the oldest data a model may run on (docs/contracts/sources.md, "Freshness"): reference date minus
/// the snapshot's peildatum, in days.</summary>
public static class Freshness
{
    public static readonly IReadOnlyDictionary<string, int> Defaults = new Dictionary<string, int> { ["brp"] = 7, ["bag"] = 35, ["permits"] = 7, ["enforcement"] = 7 };

    /// <summary>The refusal for the first source that is too old, or null.</summary>
    public static string? Problem(IEnumerable<string> sources, IReadOnlyDictionary<string, LoadedSnapshot> snapshots, DateOnly referenceDate, IReadOnlyDictionary<string, int> maxAgeDays)
    {
        foreach (var source in sources.Order(StringComparer.Ordinal))
        {
            if (!snapshots.TryGetValue(source, out var s) || !maxAgeDays.TryGetValue(source, out var max)) continue;
            var peil = DateOnly.ParseExact(s.Manifest.PeildatumOrDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var age = referenceDate.DayNumber - peil.DayNumber;
            if (age > max) return $"source too old: {source} peildatum {s.Manifest.PeildatumOrDate} is {age} days old (max {max})";
        }
        return null;
    }
}

public sealed record RunOutcome(RunRecord Record, IReadOnlyList<RunSignal> Signals)
{
    /// <summary>Signals new in this run and not from a shadow model (what phase-1 intake receives when the register
    /// matches the previous run; the register reconciliation decides in the end).</summary>
    public IEnumerable<RunSignal> ToQueue => Signals.Where(s => s.State == RunState.New && !s.Shadow);
}

/// <summary>The nightly comparison: gate → link → models → classify. Pure: same input, same output.</summary>
public static class NightlyRunner
{
    public static RunOutcome Run(RunInput input)
    {
        var started = (input.Clock ?? TimeProvider.System).GetUtcNow();
        var sw = Stopwatch.StartNew();
        var linkStart = Stopwatch.GetTimestamp();
        var world = LinkedWorld.Build(input.Snapshots.ToDictionary(p => p.Key, p => p.Value.Table), input.Territory.ToHashSet(), input.Suppressed);
        var linkSeconds = Stopwatch.GetElapsedTime(linkStart).TotalSeconds;
        var previous = input.Previous.Where(s => s.State != RunState.Resolved).ToDictionary(s => s.Signal.SignalId, StringComparer.Ordinal);
        var signals = new List<RunSignal>();
        var modelRuns = new List<ModelRun>();
        var seed = input.Seed ?? System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
        var raisedObjects = new HashSet<string>(StringComparer.Ordinal);
        // The models read the linked world and nothing else: they run side by side on every core. A sampling model
        // (CTL) draws outside what the others raised, so it runs after them. Results keep the catalogue's order, so a
        // run is the same whatever the scheduling.
        var modelsStart = Stopwatch.GetTimestamp();
        var results = new (IReadOnlyList<RunSignal> Signals, ModelRun Run)?[input.Models.Count];
        var none = new HashSet<string>(StringComparer.Ordinal);
        // The learning model takes longest: it starts first, and the rules fill the other cores one at a time behind it.
        var order = Enumerable.Range(0, input.Models.Count).Where(i => !input.Models[i].Samples)
            .OrderBy(i => input.Models[i].Method == ModelMethod.Rule ? 1 : 0).ToList();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(order, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => results[i] = RunModel(input.Models[i], input, world, previous, seed, none));
        foreach (var r in results.OfType<(IReadOnlyList<RunSignal> Signals, ModelRun Run)>())
            foreach (var s in r.Signals) if (s.State != RunState.Resolved && s.Signal.Object is { } o) raisedObjects.Add(o);
        for (var i = 0; i < input.Models.Count; i++)
            results[i] ??= RunModel(input.Models[i], input, world, previous, seed, raisedObjects);
        foreach (var (modelSignals, modelRun) in results.Select(r => r!.Value))
        {
            signals.AddRange(modelSignals);
            modelRuns.Add(modelRun);
        }
        var modelsSeconds = Stopwatch.GetElapsedTime(modelsStart).TotalSeconds;
        return new RunOutcome(Record(input, started, sw.Elapsed.TotalSeconds, linkSeconds, world, modelRuns, signals) with { Seed = seed, ModelsSeconds = Math.Round(modelsSeconds, 4) }, signals);
    }

    /// <summary>One model: the gate, then its signals classified against the previous run. A refused or failed model's
    /// open signals are carried, not resolved: not looked at tonight is not gone.</summary>
    static (IReadOnlyList<RunSignal> Signals, ModelRun Run) RunModel(ISignalModel model, RunInput input, LinkedWorld world, Dictionary<string, RunSignal> previous,
        int seed, IReadOnlySet<string> raisedObjects)
    {
        var parameters = ModelCatalogue.ParametersFor(model, input.ParameterOverrides);
        var decision = ModelGate.Check(ModelCatalogue.Describe(model, parameters), input.Register, input.ReferenceDate);
        var missing = model.Reads.Keys.Where(s => !input.Snapshots.ContainsKey(s)).ToList();
        if (decision.Outcome != GateOutcome.Refused && missing.Count > 0)
            decision = decision with { Outcome = GateOutcome.Refused, Reason = $"no accepted snapshot of {string.Join(", ", missing)} on or before the reference date" };
        if (decision.Outcome != GateOutcome.Refused && input.MaxAgeDays is { } maxAge && Freshness.Problem(model.Reads.Keys, input.Snapshots, input.ReferenceDate, maxAge) is { } stale)
            decision = decision with { Outcome = GateOutcome.Refused, Reason = stale };
        var a = decision.Approval;
        ModelRun Outcome(string outcome, string? reason, int n = 0, int c = 0, int r = 0) =>
            new(model.Id, model.Version, outcome, reason, a?.DpiaReference, a?.Purpose, a?.LegalBasis, parameters, n, c, r);
        List<RunSignal> Carried() => previous.Values.Where(p => p.Signal.Model == model.Id).Select(p => p with { State = RunState.Carried }).ToList();

        if (decision.Outcome == GateOutcome.Refused) return (Carried(), Outcome("refused", decision.Reason));

        var shadow = decision.Outcome == GateOutcome.Shadow;
        var context = new ModelContext(world, input.ReferenceDate, input.Register.Municipality, parameters)
        {
            RunId = input.RunId, Seed = seed, RaisedObjects = raisedObjects, Excluded = input.Exclusions?.GetValueOrDefault(model.Id) ?? new HashSet<string>(),
        };
        var modelStart = Stopwatch.GetTimestamp();
        List<Signal> raised;
        try { raised = model.Run(context).OrderBy(s => s.SignalId, StringComparer.Ordinal).ToList(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One model failing must not stop the others.
            return (Carried(), Outcome("failed", $"{e.GetType().Name}: {e.Message}"));
        }
        var signals = raised.Select(s => new RunSignal(s, previous.ContainsKey(s.SignalId) ? RunState.Continuing : RunState.New, shadow)).ToList();
        var raisedIds = raised.Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal);
        // A sample is not "no longer found" when tomorrow draws others: it is carried until it is decided.
        var resolved = previous.Values.Where(p => p.Signal.Model == model.Id && !raisedIds.Contains(p.Signal.SignalId))
            .OrderBy(p => p.Signal.SignalId, StringComparer.Ordinal).Select(p => new RunSignal(p.Signal, model.Samples ? RunState.Carried : RunState.Resolved, shadow)).ToList();
        var run = Outcome(shadow ? "shadow" : "ran", null, signals.Count(s => s.State == RunState.New), signals.Count(s => s.State == RunState.Continuing), resolved.Count(s => s.State == RunState.Resolved)) with
        {
            Facts = context.Facts.Count > 0 ? new SortedDictionary<string, string>(context.Facts, StringComparer.Ordinal) : null,
            DurationSeconds = Math.Round(Stopwatch.GetElapsedTime(modelStart).TotalSeconds, 4),
        };
        return ([.. signals, .. resolved], run);
    }

    static RunRecord Record(RunInput input, DateTimeOffset started, double seconds, double linkSeconds, LinkedWorld world, List<ModelRun> modelRuns, List<RunSignal> signals)
    {
        var residents = input.Snapshots.TryGetValue("brp", out var brp) ? brp.Manifest.ResidentsPerPc4 ?? new Dictionary<string, int>() : new Dictionary<string, int>();
        var areaOptions = input.AreaReport ?? new AreaReportOptions();
        return new RunRecord
        {
            RunId = input.RunId,
            ReferenceDate = input.ReferenceDate.ToString("yyyy-MM-dd"),
            Trigger = input.Trigger,
            StartedAt = started,
            DurationSeconds = Math.Round(seconds, 3),
            LinkSeconds = Math.Round(linkSeconds, 4),
            Municipality = input.Register.Municipality,
            Territory = input.Territory,
            RegisterVersion = input.Register.RegisterVersion,
            RegisterSha256 = input.Register.Sha256,
            PreviousRunId = input.PreviousRunId,
            Snapshots = input.Snapshots.Values.OrderBy(s => s.Manifest.Source, StringComparer.Ordinal)
                .Select(s => new SnapshotUse(s.Manifest.Source, s.Manifest.SnapshotId, s.Manifest.Date, s.Manifest.FileName, s.Manifest.Sha256, s.Manifest.RowsAccepted - s.Manifest.RowsDuplicate)).ToList(),
            Models = modelRuns,
            Unlinked = world.Unlinked,
            SuppressedRows = world.SuppressedRows,
            AreaReport = Runs.AreaReport.Build(signals.Where(s => !s.Shadow), world, residents, areaOptions),
            ShadowAreaReport = Runs.AreaReport.Build(signals.Where(s => s.Shadow).Select(s => s with { Shadow = false }), world, residents, areaOptions),
        };
    }
}
