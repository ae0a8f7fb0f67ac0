namespace SignalPipeline.Functions.Configuration;

/// <summary>Retention terms (protocol art. 12) as configuration; the defaults are the protocol's values.</summary>
public sealed record RetentionTerms
{
    /// <summary>Dismissed candidates, and undecided candidates that led nowhere: one year in the non-active environment.</summary>
    public int NonActiveDays { get; init; } = 365;
    /// <summary>A signal taken further (registered): one year after the recipient's end result is recorded; while its case
    /// runs (no end result yet) it is kept (docs/privacy.md).</summary>
    public int EndResultDays { get; init; } = 365;
    /// <summary>An undecided candidate expires into the non-active environment after this many days open, and then
    /// follows the non-active term like a stopped signal.</summary>
    public int UndecidedDays { get; init; } = 90;
    /// <summary>The coordinator's list warns this many days before an undecided candidate expires.</summary>
    public int UndecidedWarningDays { get; init; } = 14;

    /// <summary>When an undecided candidate expires.</summary>
    public DateTimeOffset ExpiresAt(Analysis.Signals.SignalState c) => c.OpenSinceOrFirstRun.AddDays(UndecidedDays);
    /// <summary>Snapshots no retained signal needs and that are not the newest of their source.</summary>
    public int SnapshotDays { get; init; } = 90;
    /// <summary>Raw extracts are deleted at ingest; whatever is left behind goes after this many days.</summary>
    public int RawExtractDays { get; init; } = 2;
    public int QuarantineDays { get; init; } = 30;
}
