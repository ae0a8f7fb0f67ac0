using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Configuration;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>A run cannot be recomputed: what it needs is gone (retention, minimisation) or differs (register, code).</summary>
public sealed class ReplayImpossibleException(string message) : Exception(message);

public sealed record ReplayResult(string RunId, int Signals, IReadOnlyList<string> Differences, IReadOnlyList<string> Notes);

/// <summary><c>runs replay</c> (cli.md v2; Algoritmekader owk-07, the lesson of SyRI): recompute a past run from its lineage
/// — the same snapshots, the register version it recorded, the same model code (by hash), parameters and CTL seed —
/// without touching the signalenregister, and say whether it gives the same signals, or exactly what differs.</summary>
public sealed class ReplayService(StorageClients storage, RunStore runs, SnapshotStore snapshots, DpiaRegisterStore registers, IKeyProvider keys, PipelineSettings settings, TimeProvider clock)
{
    public async Task<ReplayResult> RunAsync(string runId, CancellationToken ct = default)
    {
        var record = await runs.GetAsync(runId, ct) ?? throw new ReplayImpossibleException($"run {runId} does not exist");
        var notes = new List<string>();
        var loaded = new Dictionary<string, LoadedSnapshot>();
        var suppressed = await new SuppressionList(storage).InForceAsync(DateOnly.Parse(record.ReferenceDate), ct);
        foreach (var use in record.Snapshots)
        {
            var m = await snapshots.GetManifestAsync(use.SnapshotId, ct)
                ?? throw new ReplayImpossibleException($"snapshot {use.SnapshotId} ({use.Source}) that run {runId} used was removed by the retention");
            if (m.OnlyRowsBehindSignals)
                throw new ReplayImpossibleException($"snapshot {use.SnapshotId} ({use.Source}) was minimised to the rows behind signals on {m.Minimised!.At:yyyy-MM-dd}; the run cannot be recomputed from it");
            if (m.ErasedAt is { } erased && erased > record.StartedAt)
                notes.Add($"snapshot {m.SnapshotId} lost {m.RowsErased} rows to erasure on {erased:yyyy-MM-dd}: signals about those persons cannot come back");
            loaded[m.Source] = new LoadedSnapshot(m, await snapshots.LoadForRunAsync(m, suppressed.Count > 0, ct));
        }
        var register = await registers.EffectiveBySha256Async(record.RegisterSha256, ct)
            ?? throw new ReplayImpossibleException(record.RegisterVersion.EndsWith("(bestand)", StringComparison.Ordinal)
                ? $"run {runId} used a register file outside the stored lifecycle ({record.RegisterVersion}); it is not kept"
                : $"the register the run used ({record.RegisterVersion}, sha256 {record.RegisterSha256[..12]}) is not kept in storage");
        var models = ModelCatalogue.For(register);
        foreach (var m in models)
            if (record.CodeHashes?.GetValueOrDefault(m.Id) is { } then && then != CodeHash.Of(m))
                throw new ReplayImpossibleException($"the code of {m.Id} {m.Version} in this build ({CodeHash.Of(m)[..12]}) is not the code the run used ({then[..12]})");
        if (record.CodeHashes is null) notes.Add("the run recorded no code hashes (made before they were recorded): the models of this build are used");

        var previous = record.PreviousRunId is { } prev ? await runs.GetSignalsAsync(prev, ct) : [];
        var outcome = NightlyRunner.Run(new RunInput(record.RunId, DateOnly.Parse(record.ReferenceDate), record.Trigger, record.Territory, register, loaded,
            record.PreviousRunId, previous, models, record.Models.ToDictionary(m => m.Model, m => m.Parameters), clock, settings.AreaReport, settings.MaxAgeDays, suppressed)
        {
            Seed = record.Seed, Exclusions = NightlyService.Exclusions(register, await keys.GetAsync(ct)),
        });
        if (outcome.Record.SuppressedRows != record.SuppressedRows)
            notes.Add($"the suppression list left out {outcome.Record.SuppressedRows} rows now, {record.SuppressedRows} then (objections or erasures since)");
        var stored = await runs.GetSignalsAsync(runId, ct);
        return new ReplayResult(runId, outcome.Signals.Count, Compare(record, outcome, stored), notes);
    }

    /// <summary>Per model its outcome, per signal its presence, state, version, subjects and evidence; carried signals
    /// of models that did not run are compared too.</summary>
    static List<string> Compare(RunRecord record, RunOutcome again, IReadOnlyList<RunSignal> stored)
    {
        var differences = new List<string>();
        foreach (var m in record.Models)
            if (again.Record.Models.FirstOrDefault(x => x.Model == m.Model) is { } now && (now.Outcome != m.Outcome || now.Version != m.Version))
                differences.Add($"model {m.Model}: {m.Version} {m.Outcome} then, {now.Version} {now.Outcome} now{(now.Reason is null ? "" : $" ({now.Reason})")}");
        var then = stored.ToDictionary(s => s.Signal.SignalId, StringComparer.Ordinal);
        var now2 = again.Signals.ToDictionary(s => s.Signal.SignalId, StringComparer.Ordinal);
        foreach (var id in then.Keys.Union(now2.Keys).Order(StringComparer.Ordinal))
        {
            if (!now2.TryGetValue(id, out var n)) { differences.Add($"- {id}: {Name(then[id])} in the run, not raised now"); continue; }
            if (!then.TryGetValue(id, out var t)) { differences.Add($"+ {id}: {Name(n)} now, not in the run (or removed from its file by the retention)"); continue; }
            if (t.State != n.State) differences.Add($"~ {id}: state {Name(t)} then, {Name(n)} now");
            if (t.Signal.ModelVersion != n.Signal.ModelVersion) differences.Add($"~ {id}: model version {t.Signal.ModelVersion} then, {n.Signal.ModelVersion} now");
            if (!t.Signal.Subjects.SequenceEqual(n.Signal.Subjects)) differences.Add($"~ {id}: subjects differ ({t.Signal.Subjects.Count} then, {n.Signal.Subjects.Count} now)");
            foreach (var key in t.Signal.Evidence.Keys.Union(n.Signal.Evidence.Keys).Order(StringComparer.Ordinal))
                if (t.Signal.Evidence.GetValueOrDefault(key) != n.Signal.Evidence.GetValueOrDefault(key))
                    differences.Add($"~ {id}: {key} {t.Signal.Evidence.GetValueOrDefault(key) ?? "(none)"} then, {n.Signal.Evidence.GetValueOrDefault(key) ?? "(none)"} now");
        }
        return differences;
    }

    static string Name(RunSignal s) => (s.Shadow ? "shadow " : "") + s.State.ToString().ToLowerInvariant();
}
