using System.Globalization;

namespace SignalPipeline.Analysis.Extracts;

/// <summary>Dates of the contract: yyyy-MM-dd, yyyyMMdd, dd-MM-yyyy; BRP partial dates use 00 for an unknown day or month.
/// Normalised to yyyy-MM-dd with the 00 parts kept, so "unknown" stays visible.</summary>
public static class Dates
{
    public static bool TryNormalise(string raw, out string date, out string? reason)
    {
        var s = raw.Trim();
        date = ""; reason = "date must be yyyy-MM-dd, yyyyMMdd or dd-MM-yyyy";
        // The parts as spans: a million dates are checked per delivery, and parts as strings were three allocations each.
        ReadOnlySpan<char> y, m, d;
        if (s.Length == 10 && s[4] == '-' && s[7] == '-') { y = s.AsSpan(0, 4); m = s.AsSpan(5, 2); d = s.AsSpan(8, 2); }
        else if (s.Length == 8 && Identifiers.AllDigits(s)) { y = s.AsSpan(0, 4); m = s.AsSpan(4, 2); d = s.AsSpan(6, 2); }
        else if (s.Length == 10 && s[2] == '-' && s[5] == '-') { d = s.AsSpan(0, 2); m = s.AsSpan(3, 2); y = s.AsSpan(6, 4); }
        else return false;
        if (!Identifiers.AllDigits(y) || !Identifiers.AllDigits(m) || !Identifiers.AllDigits(d)) return false;
        int yi = int.Parse(y, CultureInfo.InvariantCulture), mi = int.Parse(m, CultureInfo.InvariantCulture), di = int.Parse(d, CultureInfo.InvariantCulture);
        if (yi < 1800 || yi > 2200 || mi > 12 || di > 31) { reason = "date is out of range"; return false; }
        if (mi == 0 && di != 0) { reason = "date with unknown month must have unknown day"; return false; }
        if (mi > 0 && di > 0 && di > DateTime.DaysInMonth(yi, mi)) { reason = "date does not exist"; return false; }
        // Already in the stored form: the same string, not a new one (most dates of a delivery are).
        date = s.Length == 10 && s[4] == '-' ? s : $"{y}-{m}-{d}"; reason = null;
        return true;
    }

    /// <summary>Parses a normalised date; partial dates (00) have no exact day and return null.</summary>
    static readonly string[] Months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

    /// <summary>A date as a Dutch reader writes it: "27 november 2026" (by hand: the app runs without ICU).</summary>
    public static string Dutch(DateOnly d) => $"{d.Day} {Months[d.Month - 1]} {d.Year}";

    /// <summary>"2026-11-27" → "27 november 2026"; anything else as it is.</summary>
    public static string Dutch(string iso) =>
        DateOnly.TryParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? Dutch(d) : iso;

    /// <summary>A stored value as text for a Dutch reader: ISO dates inside it as "27 november 2026", codes without
    /// underscores ("last_onder_dwangsom 2025-01-02" → "last onder dwangsom 2 januari 2025").</summary>
    public static string DutchText(string value) =>
        System.Text.RegularExpressions.Regex.Replace(value, @"\b\d{4}-\d{2}-\d{2}\b", m => Dutch(m.Value)).Replace('_', ' ');

    /// <remarks>By hand rather than <c>DateOnly.TryParseExact</c>: the nightly parses a date per registration and per zaak,
    /// and this is several times faster for the same answer.</remarks>
    public static DateOnly? ToDateOnly(string? normalised)
    {
        if (normalised is not { Length: 10 } s || s[4] != '-' || s[7] != '-') return null;
        int Digits(int at, int count)
        {
            var n = 0;
            for (var i = at; i < at + count; i++)
            {
                if (!char.IsAsciiDigit(s[i])) return -1;
                n = n * 10 + (s[i] - '0');
            }
            return n;
        }
        int y = Digits(0, 4), m = Digits(5, 2), d = Digits(8, 2);
        return y >= 1 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;
    }
}
