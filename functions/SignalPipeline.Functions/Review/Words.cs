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

    /// <summary>2026-11-27 → "27 november 2026".</summary>
    public static string Date(DateOnly d) => Analysis.Extracts.Dates.Dutch(d);
    public static string Date(DateTimeOffset at) => Date(DateOnly.FromDateTime(at.UtcDateTime));
    static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    /// <summary>An instant in the municipality's time: "27 november 2026 15:05".</summary>
    public static string DateTime(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Amsterdam);
        return $"{Date(DateOnly.FromDateTime(local.DateTime))} {local:HH:mm}";
    }
    /// <summary>"2026-11-27" → "27 november 2026"; anything else as it is.</summary>
    public static string Date(string? iso) => iso is null ? "—" : Analysis.Extracts.Dates.Dutch(iso);

    /// <summary>A date as the coordinator types it, "27-11-2026" (dd-mm-jjjj), or ISO "2026-11-27"; null when neither.</summary>
    public static DateOnly? ParseDate(string? text)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return null;
        foreach (var format in new[] { "d-M-yyyy", "yyyy-MM-dd", "d/M/yyyy" })
            if (DateOnly.TryParseExact(t, format, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)) return d;
        return null;
    }

    /// <summary>An ISO date as a date field shows it: "27-11-2026".</summary>
    public static string InputDate(string? iso) => ParseDate(iso) is { } d ? d.ToString("dd-MM-yyyy", System.Globalization.CultureInfo.InvariantCulture) : "";

    /// <summary>12345 → "12.345".</summary>
    public static string Number(long n) => Analysis.Extracts.DutchNumbers.Of(n, "N0");
    /// <summary>A size as a Dutch reader writes it: "1,4 MB", "830,2 kB".</summary>
    public static string Bytes(long n) => n >= 1 << 20 ? Analysis.Extracts.DutchNumbers.Of(n / 1048576.0, "0.0") + " MB" : Analysis.Extracts.DutchNumbers.Of(n / 1024.0, "0.0") + " kB";
}
