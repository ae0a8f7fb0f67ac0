using System.Security.Cryptography;
using System.Text;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>The run could not be completed: some signals it raised are not in the signalenregister (yet).</summary>
public sealed class RunIncompleteException(string message) : Exception(message);

/// <summary>What one <c>nightly</c> did: the run it made, resumed or found already done, the runs it resumed first,
/// and the intake it drained.</summary>
public sealed record NightlyResult(RunRecord Record, IReadOnlyList<RunSignal> Signals, IReadOnlyList<string> Notes, int IntakeProcessed, int IntakePoisoned)
{
    /// <summary>Intake messages this nightly queued (new and returned signals).</summary>
    public int Queued { get; init; }
}

/// <summary>Where a nightly is: step <paramref name="Step"/> of <paramref name="Steps"/>. A terminal shows it as a bar, a log as lines.</summary>
public sealed record NightlyProgress(int Step, int Steps, string Stage)
{
    public const int Total = 6;
}

/// <summary>The nightly as one recoverable state machine (an outbox): compute the run and store its signals (status
/// <c>intake</c>) → reconcile the signalenregister with them (new and returned signals through the phase-1 intake
/// queue, the rest directly) → drain the intake → verify → <c>completed</c>. Every step is idempotent, so running the
/// same nightly again after a crash anywhere finishes the interrupted run under its own id and loses nothing.
/// One nightly at a time (<see cref="NightlyLock"/>). A back-fill (a date before the latest completed run) records
/// its run and changes nothing in the register.</summary>
public sealed class NightlyService(StorageClients storage, SnapshotStore snapshots, RunStore runs, CandidateRegister register, IntakeService intake,
    IKeyProvider keys, Func<CancellationToken, Task<DpiaRegister>> dpia, PipelineSettings settings, TimeProvider clock, LineageLog lineage, MinimisationService minimisation)
{
    /// <summary>Fault drills (<see cref="FaultPoints"/>).</summary>
    public FaultPoints Faults { get; init; } = FaultPoints.None;

    public async Task<NightlyResult> RunAsync(DateOnly referenceDate, string trigger, TextWriter log, IReadOnlyList<string>? territory = null,
        Action<NightlyProgress>? progress = null, CancellationToken ct = default)
    {
        void Report(int step, string stage) => progress?.Invoke(new NightlyProgress(step, NightlyProgress.Total, stage));
        await using var held = await NightlyLock.AcquireAsync(storage, settings.NightlyLockWait, log, ct);
        var key = await keys.GetAsync(ct); // missing, unreadable or replaced: stops here (exit 3)
        var notes = new List<string>();
        int queued = 0, processed = 0, poisoned = 0;

        // 1. Finish what an interrupted run left, oldest first, each exactly as it would have finished.
        foreach (var pending in (await runs.ListAsync(ct)).Where(r => r.Status != RunStatus.Completed))
        {
            if (await runs.GetAsync(pending.RunId, ct) is not { } unfinished) continue;
            notes.Add($"resumed run {unfinished.RunId} (reference date {unfinished.ReferenceDate}), interrupted before all its signals reached the signalenregister");
            var (_, qd, p, q) = await CompleteAsync(unfinished, await runs.GetSignalsAsync(unfinished.RunId, ct), log, Report, ct);
            queued += qd; processed += p; poisoned += q;
        }

        // 2. The inputs this date would use now; the same inputs as a completed run of this date: nothing to do.
        var reg = await dpia(ct);
        var area = territory ?? settings.Territory;
        var manifests = new Dictionary<string, SnapshotManifest>();
        foreach (var source in SourceSchema.All)
            if (await snapshots.LatestAsync(source, referenceDate, ct) is { } m) manifests[source] = m;
        var suppressed = await new SuppressionList(storage).InForceAsync(referenceDate, ct);
        var inputs = InputsHash(manifests.Values, reg, area, suppressed);
        var index = await runs.ListAsync(ct);
        // A run completed just before a crash may not have minimised its snapshots yet: it does so now.
        if (index.LastOrDefault(r => r.Status == RunStatus.Completed && !r.Backfill) is { } last
            && await runs.GetAsync(last.RunId, ct) is { MinimisationDone: false } unminimised)
        {
            var minimised = await MinimiseAsync(unminimised, ct);
            notes.Add($"minimised the snapshots of run {minimised.RunId}, completed before it could do so itself");
        }
        var date = referenceDate.ToString("yyyy-MM-dd");
        if (index.LastOrDefault(r => r.ReferenceDate == date && r.Status == RunStatus.Completed) is { } done
            && await runs.GetAsync(done.RunId, ct) is { } doneRecord && doneRecord.InputsSha256 == inputs)
        {
            notes.Add($"run {done.RunId} already completed for {date} with the same snapshots and register; nothing to do");
            var (p3, q3) = await intake.DrainAsync(log, ct); // the intake is part of the nightly: what is queued is taken in
            processed += p3; poisoned += q3;
            return new NightlyResult(doneRecord, await runs.GetSignalsAsync(done.RunId, ct), notes, processed, poisoned) { Queued = queued };
        }

        // 3. Compute the run. Never across keys: every snapshot, and the run compared with, must share this key.
        CheckKeys(manifests.Values, key.PseudonymFingerprint);
        var previousId = await runs.PreviousIdAsync(referenceDate, ct);
        var previousRecord = previousId is null ? null : await runs.GetAsync(previousId, ct);
        if (previousRecord?.KeyFingerprint is { } pf && pf != key.PseudonymFingerprint)
            throw new KeysChangedException($"the previous run {previousId} was made under another pseudonymisation key; a run never compares snapshots made under different keys.");
        Report(1, $"loading {manifests.Count} snapshots");
        // The snapshots are read side by side (download and Parquet decoding of one source do not wait for another).
        var loaded = (await Task.WhenAll(manifests.Select(async p => (p.Key, Snapshot: new LoadedSnapshot(p.Value, await snapshots.LoadForRunAsync(p.Value, suppressed.Count > 0, ct))))))
            .ToDictionary(x => x.Key, x => x.Snapshot);
        var previous = previousId is null ? [] : await runs.GetSignalsAsync(previousId, ct);
        var backfill = index.Any(r => r.Status == RunStatus.Completed && !r.Backfill && string.CompareOrdinal(r.ReferenceDate, date) > 0);
        var models = ModelCatalogue.For(reg);
        Report(2, $"linking the sources and running {models.Count} models on {loaded.Values.Sum(l => l.Manifest.RowsAccepted):N0} rows");
        var outcome = NightlyRunner.Run(new RunInput(await runs.NextIdAsync(referenceDate, ct), referenceDate, trigger, area, reg, loaded,
            previousId, previous, models, settings.ModelParameters, clock, settings.AreaReport, settings.MaxAgeDays, suppressed)
            { Exclusions = Exclusions(reg, key) });
        var record = outcome.Record with
        {
            Status = backfill ? RunStatus.Completed : RunStatus.Intake, Backfill = backfill, KeyFingerprint = key.PseudonymFingerprint, InputsSha256 = inputs,
            CodeHashes = models.ToDictionary(m => m.Id, CodeHash.Of),
        };
        Faults.Reach("computed");
        Report(3, $"storing run {record.RunId} and its {outcome.Signals.Count:N0} signals");
        await runs.SaveAsync(record, outcome.Signals, ct);
        Faults.Reach("saved");
        await lineage.EmitAsync(LineageEvents(record).Start, ct);
        if (backfill)
        {
            await lineage.EmitAsync(LineageEvents(record).End, ct);
            notes.Add($"back-fill: {date} is before the latest completed run; this run is recorded, the signalenregister is not changed");
            return new NightlyResult(record, outcome.Signals, notes, processed, poisoned) { Queued = queued };
        }
        var (finished, qd2, p2, q2) = await CompleteAsync(record, outcome.Signals, log, Report, ct);
        return new NightlyResult(finished, outcome.Signals, notes, processed + p2, poisoned + q2) { Queued = queued + qd2 };
    }

    (System.Text.Json.Nodes.JsonObject Start, System.Text.Json.Nodes.JsonObject End) LineageEvents(RunRecord record) =>
        OpenLineage.Nightly(record, ModelCatalogue.All.Where(m => record.Models.Any(r => r.Model == m.Id && r.Version == m.Version)).ToDictionary(m => m.Id, m => m.Reads), clock.GetUtcNow());

    /// <summary>Reconciles the register with a stored run, drains the intake, verifies, marks the run completed and
    /// minimises the snapshots it used.</summary>
    async Task<(RunRecord Completed, int Queued, int Processed, int Poisoned)> CompleteAsync(RunRecord record, IReadOnlyList<RunSignal> signals, TextWriter log, Action<int, string> report, CancellationToken ct)
    {
        var sent = 0;
        report(4, "reconciling the signalenregister");
        if (!record.Backfill)
        {
            var current = (await register.ListAsync(ct)).ToDictionary(s => s.SignalId, StringComparer.Ordinal);
            var plan = Reconciliation.Plan(record, signals, current, clock.GetUtcNow());
            var queue = storage.Queue(StorageClients.IntakeQueue);

            foreach (var o in plan.ToIntake)
            {
                await queue.SendMessageAsync(Json.Serialize(IntakeMessage.From(o)), ct);
                if (++sent == 1) Faults.Reach("queueing");
            }
            Faults.Reach("queued");
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
            await Parallel.ForEachAsync(plan.ToContinue, parallel, async (o, c) => await register.RaiseAsync(o, c));
            Faults.Reach("continued");
            await Parallel.ForEachAsync(plan.ToResolve, parallel, async (id, c) => await register.ResolveAsync(id, record.RunId, c));
            Faults.Reach("resolved");
        }
        report(5, $"taking {sent:N0} new and returned signals in through the phase-1 intake");
        var (processed, poisoned) = await intake.DrainAsync(log, ct);
        Faults.Reach("drained");
        report(6, "verifying that every signal is in the signalenregister");
        if (!record.Backfill)
        {
            var after = (await register.ListAsync(ct)).ToDictionary(s => s.SignalId, StringComparer.Ordinal);
            var missing = Reconciliation.NotApplied(record, signals, after);
            if (missing.Count > 0)
                throw new RunIncompleteException($"run {record.RunId} is not completed: {missing.Count} of its signals are not in the signalenregister" +
                    (poisoned > 0 ? $" ({poisoned} intake messages moved to {StorageClients.IntakePoisonQueue})" : "") +
                    $"; run `nightly --date {record.ReferenceDate}` again to finish it");
        }
        var completed = record with { Status = RunStatus.Completed };
        await runs.SaveRecordAsync(completed, ct);
        await lineage.EmitAsync(LineageEvents(completed).End, ct);
        Faults.Reach("completed");
        return (await MinimiseAsync(completed, ct), sent, processed, poisoned);
    }

    /// <summary>Minimal snapshots (docs/privacy.md): once every signal of the run is in the signalenregister, the
    /// snapshots it used keep identity envelopes only for rows behind signals. The run record says what was saved.</summary>
    async Task<RunRecord> MinimiseAsync(RunRecord completed, CancellationToken ct)
    {
        var minimised = completed with { Minimised = await minimisation.AfterRunAsync(completed, ct), MinimisationDone = true };
        await runs.SaveRecordAsync(minimised, ct);
        return minimised;
    }

    /// <summary>The register's exclusion lists under the run's key (<see cref="DpiaRegister.ExclusionsPseudonymised"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Exclusions(DpiaRegister reg, Analysis.Privacy.KeyMaterial key)
    {
        using var pseudonymiser = new Analysis.Privacy.Pseudonymiser(key.PseudonymKey, key.PseudonymKeyVersion);
        return reg.ExclusionsPseudonymised(pseudonymiser);
    }

    static void CheckKeys(IEnumerable<SnapshotManifest> manifests, string fingerprint)
    {
        foreach (var m in manifests)
            if (m.PseudonymKeyFingerprint is { } f && f != fingerprint)
                throw new KeysChangedException($"snapshot {m.SnapshotId} was made under another pseudonymisation key than the one configured now; " +
                    "a run never compares snapshots made under different keys: restore the key, or re-ingest the sources under the new one.");
    }

    /// <summary>What decides a run's outcome besides the code: snapshots, register, territory and deployed parameters.</summary>
    string InputsHash(IEnumerable<SnapshotManifest> manifests, DpiaRegister reg, IReadOnlyList<string> territory, IReadOnlySet<string> suppressed)
    {
        var text = new StringBuilder();
        foreach (var m in manifests.OrderBy(m => m.Source, StringComparer.Ordinal)) text.Append(m.SnapshotId).Append('|').Append(m.Sha256).Append('\n');
        text.Append(reg.Sha256).Append('\n').Append(string.Join(',', territory.Order(StringComparer.Ordinal))).Append('\n');
        // A person suppressed since the last run changes what the models may see.
        foreach (var p in suppressed.Order(StringComparer.Ordinal)) text.Append("suppressed ").Append(p).Append('\n');
        foreach (var (model, ps) in settings.ModelParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            foreach (var (k, v) in ps.OrderBy(p => p.Key, StringComparer.Ordinal)) text.Append(model).Append('.').Append(k).Append('=').Append(v).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Today in the municipality's time zone (the nightly run's default reference date).</summary>
    public static DateOnly Today(TimeProvider clock, string timeZone = "Europe/Amsterdam") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
}
