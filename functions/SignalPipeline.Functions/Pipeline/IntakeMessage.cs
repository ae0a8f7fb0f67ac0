using SignalPipeline.Analysis.Runs;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>The phase1-intake message, schema <c>signalpipeline/phase1-intake/v1</c> (docs/intake-message.schema.json).
/// Pseudonyms and evidence only: the identity stays in the envelope.</summary>
public sealed record IntakeMessage
{
    public const string SchemaId = "signalpipeline/phase1-intake/v1";
    public string Schema { get; init; } = SchemaId;
    public required string SignalId { get; init; }
    public required string Model { get; init; }
    public required string ModelVersion { get; init; }
    public required string Theme { get; init; }
    public string? Object { get; init; }
    public IReadOnlyList<string> Subjects { get; init; } = [];
    public required IReadOnlyDictionary<string, string> Evidence { get; init; }
    public required string RunId { get; init; }
    public required string ReferenceDate { get; init; }
    public required IntakeLineage Lineage { get; init; }

    /// <summary>The reasons this message cannot be taken in; empty when it can.</summary>
    public IEnumerable<string> Problems()
    {
        if (Schema != SchemaId) yield return $"unknown schema '{Schema}', expected {SchemaId}";
        if (string.IsNullOrWhiteSpace(SignalId)) yield return "signal_id is missing";
        if (string.IsNullOrWhiteSpace(Model)) yield return "model is missing";
        if (string.IsNullOrWhiteSpace(RunId)) yield return "run_id is missing";
        if (Object is null && Subjects.Count == 0) yield return "a signal needs an object or a subject";
        if (Lineage?.Snapshots is null || Lineage.Snapshots.Count == 0) yield return "lineage.snapshots is missing";
    }
}

public sealed record IntakeLineage(IReadOnlyList<SnapshotUse> Snapshots, string RegisterVersion, string RegisterSha256, string? DpiaReference);
