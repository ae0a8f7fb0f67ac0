using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>The states in the coordinator's words; stored and exported values stay as in docs/contracts/models.md.</summary>
public static class Words
{
    public static string Nl(RunState state) => state switch { RunState.New => "nieuw", RunState.Continuing => "doorlopend", RunState.Resolved => "opgelost", _ => "overgenomen" };
    public static string Nl(ReviewState state) => CandidateRegister.Nl(state);
    public static string ModelOutcome(string outcome) => outcome switch { "ran" => "gedraaid", "shadow" => "schaduw", "failed" => "mislukt", _ => "geweigerd" };
    public static string Short(string sha) => sha[..Math.Min(12, sha.Length)];

    /// <summary>Dutch separators by hand: the app runs with invariant globalisation (no ICU in the image).</summary>
    static readonly System.Globalization.NumberFormatInfo Dutch = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "." };
    /// <summary>12345 → "12.345".</summary>
    public static string Number(long n) => n.ToString("N0", Dutch);
    /// <summary>A size as a Dutch reader writes it: "1,4 MB", "830,2 kB".</summary>
    public static string Bytes(long n) => n >= 1 << 20 ? (n / 1048576.0).ToString("0.0", Dutch) + " MB" : (n / 1024.0).ToString("0.0", Dutch) + " kB";
}
