using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Azure;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>Loads the snapshots in force, runs the nightly comparison, stores the run, updates continuing and
/// resolved signals in the register and queues the new ones into phase-1 intake.</summary>
public sealed class NightlyService(StorageClients storage, SnapshotStore snapshots, RunStore runs, SignalRegister register,
    Func<DpiaRegister> dpia, PipelineSettings settings, TimeProvider clock, LineageLog lineage)
{
    public async Task<RunOutcome> RunAsync(DateOnly referenceDate, string trigger, IReadOnlyList<string>? territory = null, CancellationToken ct = default)
    {
        var reg = dpia();
        var models = ModelCatalogue.V1;
        var loaded = new Dictionary<string, LoadedSnapshot>();
        foreach (var source in SourceSchema.All)
        {
            if (await snapshots.LatestAsync(source, referenceDate, ct) is not { } manifest) continue;
            loaded[source] = new LoadedSnapshot(manifest, await snapshots.LoadAsync(manifest, ct: ct));
        }
        var runId = RunStore.NewRunId(referenceDate, clock.GetUtcNow());
        var previousId = await runs.PreviousIdAsync(referenceDate, ct);
        var previous = previousId is null ? [] : await runs.GetSignalsAsync(previousId, ct);
        var outcome = NightlyRunner.Run(new RunInput(runId, referenceDate, trigger, territory ?? settings.Territory, reg, loaded,
            previousId, previous, models, settings.ModelParameters, clock, settings.AreaReport));

        await runs.SaveAsync(outcome, ct);
        var (start, end) = OpenLineage.Nightly(outcome.Record, models.ToDictionary(m => m.Id, m => m.Reads), clock.GetUtcNow());
        await lineage.EmitAsync(start, ct);
        await lineage.EmitAsync(end, ct);
        foreach (var s in outcome.Signals.Where(s => s.State is SignalStates.Continuing or SignalStates.Resolved && !s.Shadow))
            await register.MarkNightlyAsync(s.Signal.SignalId, s.State, runId, ct);
        var queue = storage.Queue(StorageClients.IntakeQueue);
        foreach (var s in outcome.ToQueue)
            await queue.SendMessageAsync(Json.Serialize(ToMessage(s.Signal, outcome.Record)), ct);
        return outcome;
    }

    public static IntakeMessage ToMessage(Signal s, RunRecord run) => new()
    {
        SignalId = s.SignalId, Model = s.Model, ModelVersion = s.ModelVersion, Theme = s.Theme, Object = s.Object,
        Subjects = s.Subjects, Evidence = s.Evidence, RunId = run.RunId, ReferenceDate = run.ReferenceDate,
        Lineage = new IntakeLineage(run.Snapshots, run.RegisterVersion, run.RegisterSha256,
            run.Models.FirstOrDefault(m => m.Model == s.Model)?.DpiaReference),
    };

    /// <summary>Today in the municipality's time zone (the nightly run's default reference date).</summary>
    public static DateOnly Today(TimeProvider clock, string timeZone = "Europe/Amsterdam") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
}
