namespace SignalPipeline.Functions.Configuration;

/// <summary>Retention terms (protocol art. 12) as configuration; the defaults are the protocol's values.</summary>
public sealed record RetentionTerms
{
    /// <summary>Dismissed candidates, and undecided candidates that led nowhere: one year in the non-active environment.</summary>
    public int NonActiveDays { get; init; } = 365;
    /// <summary>Registered signals (taken into phase 1 / a case meeting): two months after their last processing.</summary>
    public int RegisteredDays { get; init; } = 61;
    /// <summary>Snapshots no retained signal needs and that are not the newest of their source.</summary>
    public int SnapshotDays { get; init; } = 90;
    /// <summary>Raw extracts are deleted at ingest; whatever is left behind goes after this many days.</summary>
    public int RawExtractDays { get; init; } = 2;
    public int QuarantineDays { get; init; } = 30;
}
