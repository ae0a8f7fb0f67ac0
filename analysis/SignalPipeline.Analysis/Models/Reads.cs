namespace SignalPipeline.Analysis.Models;

/// <summary>The column sets models declare, so a model's <c>Reads</c> says plainly what it touches.</summary>
public static class Reads
{
    public static readonly string[] Location = ["verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"];
    public static string[] With(params string[] columns) => [.. Location, .. columns];
}
