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
    public required string Municipality { get; init; }
    public IReadOnlyList<string> Territory { get; init; } = [];
    public required string RegisterVersion { get; init; }
    public required string RegisterSha256 { get; init; }
    public string? PreviousRunId { get; init; }
    public IReadOnlyList<SnapshotUse> Snapshots { get; init; } = [];
    public IReadOnlyList<ModelRun> Models { get; init; } = [];
    public IReadOnlyDictionary<string, long> Unlinked { get; init; } = new Dictionary<string, long>();
    public string Status { get; init; } = "completed";
    /// <summary>Open signals per PC4 against residents per PC4 (from the BRP snapshot's aggregates).</summary>
    public IReadOnlyList<AreaRow> AreaReport { get; init; } = [];
    /// <summary>The same for the would-be signals of shadow (experimental) models.</summary>
    public IReadOnlyList<AreaRow> ShadowAreaReport { get; init; } = [];
}

public sealed record SnapshotUse(string Source, string SnapshotId, string Date, string FileName, string Sha256, long Rows);

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
