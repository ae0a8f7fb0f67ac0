using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Runs;

/// <summary>What one nightly run did, for the operator, the DPIA reviewer and the next night.</summary>
public sealed record RunRecord
{
    public required string RunId { get; init; }
    public required string ReferenceDate { get; init; }
    public required string Trigger { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public double DurationSeconds { get; init; }
    /// <summary>Time spent joining the sources on the verblijfsobject.</summary>
    public double LinkSeconds { get; init; }
    /// <summary>Wall time of all models together (they run side by side; each model's own time is in <see cref="Models"/>).</summary>
    public double ModelsSeconds { get; init; }
    public required string Municipality { get; init; }
    public IReadOnlyList<string> Territory { get; init; } = [];
    public required string RegisterVersion { get; init; }
    public required string RegisterSha256 { get; init; }
    public string? PreviousRunId { get; init; }
    public IReadOnlyList<SnapshotUse> Snapshots { get; init; } = [];
    public IReadOnlyList<ModelRun> Models { get; init; } = [];
    public IReadOnlyDictionary<string, long> Unlinked { get; init; } = new Dictionary<string, long>();
    /// <summary><see cref="RunStatus.Intake"/> until every signal it raised is in the signalenregister, then
    /// <see cref="RunStatus.Completed"/>. A resumed run keeps its id.</summary>
    public string Status { get; init; } = RunStatus.Completed;
    /// <summary>A run for a reference date earlier than the latest completed run: recorded, but it changes no state in
    /// the signalenregister (docs/contracts/cli.md v2).</summary>
    public bool Backfill { get; init; }
    /// <summary>Fingerprint of the pseudonymisation key the snapshots were made with (a hash of a derived value).</summary>
    public string? KeyFingerprint { get; init; }
    /// <summary>Hash of what decides the outcome besides the code (snapshots, register, territory, parameters): the same
    /// nightly with the same inputs again finds its completed run and does nothing.</summary>
    public string? InputsSha256 { get; init; }
    /// <summary>Open signals per PC4 against residents per PC4 (from the BRP snapshot's aggregates).</summary>
    public IReadOnlyList<AreaRow> AreaReport { get; init; } = [];
    /// <summary>The same for the would-be signals of shadow (experimental) models.</summary>
    public IReadOnlyList<AreaRow> ShadowAreaReport { get; init; } = [];
    /// <summary>Rows of persons on the suppression list that no model saw this run (a count, never who).</summary>
    public long SuppressedRows { get; init; }
    /// <summary>The snapshots this run minimised once it was completed (docs/privacy.md): identity envelopes kept only for
    /// rows behind signals. Empty when each was minimised by an earlier run already.</summary>
    public IReadOnlyList<SnapshotMinimisation> Minimised { get; init; } = [];
    /// <summary>The run's random seed: the control sample (CTL) drew with it, and a replay draws with it again.</summary>
    public int? Seed { get; init; }
    /// <summary>Per model, the SHA-256 of its implementation as built (the gate compared it with the approval).</summary>
    public IReadOnlyDictionary<string, string>? CodeHashes { get; init; }
    /// <summary>Set once the run's snapshots have been through minimisation (even when there was nothing to drop).</summary>
    public bool MinimisationDone { get; init; }
}


public static class RunStatus
{
    public const string Intake = "intake", Completed = "completed";
}

public static class RunRecordExtensions
{
    /// <summary>Models whose outcome this run is authoritative for: they ran (not shadow, refused or failed).</summary>
    public static HashSet<string> ModelsThatRan(this RunRecord run) =>
        run.Models.Where(m => m.Outcome == "ran").Select(m => m.Model).ToHashSet(StringComparer.Ordinal);

    public static Signals.SignalLineage LineageFor(this RunRecord run, string model) =>
        new(run.Snapshots, run.RegisterVersion, run.RegisterSha256, run.Models.FirstOrDefault(m => m.Model == model)?.DpiaReference);
}

public sealed record ModelRun(
    string Model,
    string Version,
    string Outcome, // ran | shadow | refused
    string? Reason,
    string? DpiaReference,
    string? Purpose,
    string? LegalBasis,
    IReadOnlyDictionary<string, decimal> Parameters,
    int New,
    int Continuing,
    int Resolved)
{
    /// <summary>Facts the model reported about this run (ANO: model_sha256, score distribution, threshold).</summary>
    public IReadOnlyDictionary<string, string>? Facts { get; init; }
    public double DurationSeconds { get; init; }
}

/// <summary>What a list of runs shows of each run, kept beside the run's index entry so a list is one query.</summary>
public sealed record RunSummary(string Trigger, int ModelsRan, int Models, IReadOnlyList<string> Refused, int New, int Continuing, int Resolved, int FlaggedAreas)
{
    public static RunSummary Of(RunRecord r) => new(r.Trigger, r.Models.Count(m => m.Outcome != "refused"), r.Models.Count,
        r.Models.Where(m => m.Outcome == "refused").Select(m => m.Model).ToList(),
        r.Models.Sum(m => m.New), r.Models.Sum(m => m.Continuing), r.Models.Sum(m => m.Resolved), r.AreaReport.Count(a => a.Flagged));
}
