namespace SignalPipeline.Analysis.Privacy;

/// <summary>The written reason that revealing an identity, a data-subject request and a phase-1 decision need
/// (protocol art. 11: access only for a stated purpose, and it is audited). One rule for the UI and the command line:
/// at least <see cref="MinLength"/> characters after trimming, with words in it, and at most <see cref="MaxLength"/>.</summary>
public static class WrittenReason
{
    public const int MinLength = 10, MaxLength = 2000;

    public static bool IsAcceptable(string? reason) =>
        reason?.Trim() is { Length: >= MinLength and <= MaxLength } r && r.Count(char.IsLetter) >= 5;
}
