using System.Globalization;

namespace SignalPipeline.Analysis.Extracts;

/// <summary>Numbers as a Dutch reader writes them: a decimal comma and a point between thousands. By hand, like
/// <see cref="Dates.Dutch(DateOnly)"/>: the app runs with invariant globalization (no ICU on the host).</summary>
public static class DutchNumbers
{
    static readonly NumberFormatInfo Dutch = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "." };

    public static string Of(decimal d, string format) => d.ToString(format, Dutch);
    public static string Of(double d, string format) => d.ToString(format, Dutch);
    public static string Of(long n, string format) => n.ToString(format, Dutch);
}
