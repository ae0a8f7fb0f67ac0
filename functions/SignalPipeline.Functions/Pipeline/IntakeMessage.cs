using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>The phase1-intake message, schema <c>signalpipeline/phase1-intake/v1</c> (docs/intake-message.schema.json):
/// one <see cref="Observation"/> on the wire. Pseudonyms and evidence only: the identity stays in the envelope.
/// Every field may be missing or null in a malformed message, so nothing here trusts the shape.</summary>
public sealed record IntakeMessage
{
    public const string SchemaId = "signalpipeline/phase1-intake/v1";
    public string? Schema { get; init; } = SchemaId;
    public string? SignalId { get; init; }
    public string? Model { get; init; }
    public string? ModelVersion { get; init; }
    public string? Theme { get; init; }
    public string? Object { get; init; }
    public IReadOnlyList<string?>? Subjects { get; init; }
    public IReadOnlyDictionary<string, string?>? Evidence { get; init; }
    public string? RunId { get; init; }
    public string? ReferenceDate { get; init; }
    public SignalLineage? Lineage { get; init; }

    public static IntakeMessage From(Observation o) => new()
    {
        SignalId = o.SignalId, Model = o.Model, ModelVersion = o.ModelVersion, Theme = o.Theme, Object = o.Object,
        Subjects = o.Subjects.ToList<string?>(), Evidence = o.Evidence.ToDictionary(e => e.Key, e => (string?)e.Value), RunId = o.RunId,
        ReferenceDate = o.ReferenceDate, Lineage = o.Lineage,
    };

    /// <summary>The reasons this message cannot be taken in; empty when it can.</summary>
    public IEnumerable<string> Problems()
    {
        if (Schema != SchemaId) yield return $"unknown schema '{Schema}', expected {SchemaId}";
        if (string.IsNullOrWhiteSpace(SignalId)) yield return "signal_id is missing";
        if (string.IsNullOrWhiteSpace(Model)) yield return "model is missing";
        if (string.IsNullOrWhiteSpace(ModelVersion)) yield return "model_version is missing";
        if (string.IsNullOrWhiteSpace(Theme)) yield return "theme is missing";
        if (string.IsNullOrWhiteSpace(RunId)) yield return "run_id is missing";
        if (!DateOnly.TryParseExact(ReferenceDate, "yyyy-MM-dd", out _)) yield return "reference_date is missing or not yyyy-MM-dd";
        if (Subjects?.Any(s => string.IsNullOrWhiteSpace(s)) == true) yield return "subjects holds an empty value";
        if (Object is null && (Subjects is null || Subjects.Count == 0)) yield return "a signal needs an object or a subject";
        if (Evidence is null || Evidence.Values.Any(v => v is null)) yield return "evidence is missing or holds an empty value";
        if (Lineage?.Snapshots is not { Count: > 0 } snapshots || snapshots.Any(s => s is null)) yield return "lineage.snapshots is missing";
        else if (Lineage.RegisterVersion is null || Lineage.RegisterSha256 is null) yield return "lineage.register_version or register_sha256 is missing";
    }

    /// <summary>Only after <see cref="Problems"/> returned nothing.</summary>
    public Observation ToObservation() => new(SignalId!, Model!, ModelVersion!, Theme!, Object, (Subjects ?? []).Select(s => s!).ToList(),
        Evidence!.ToDictionary(e => e.Key, e => e.Value!), RunId!, ReferenceDate!, Lineage!);
}
