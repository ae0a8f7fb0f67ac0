namespace SignalPipeline.Analysis.Formats;

/// <summary>The format ids of docs/contracts/sources.md, recorded in the manifest and printed by <c>ingest</c>.</summary>
public static class FormatIds
{
    public const string CsvV1 = "csv-v1", GbaV = "gba-v-csv", LvBag = "lvbag-2.0", BrpPersonen = "brp-personen-v2", Zgw = "zgw-zaken-1.5";

    /// <summary>Which formats a source accepts; another format in its folder rejects the snapshot.</summary>
    public static IReadOnlyList<string> For(string source) => source switch
    {
        "brp" => [CsvV1, GbaV, BrpPersonen],
        "bag" => [CsvV1, LvBag],
        "permits" or "enforcement" => [CsvV1, Zgw],
        _ => [],
    };
}

/// <summary>The delivery as a whole cannot be read into a snapshot (a missing part, an unparsable file, an incomplete
/// export). The message names files and positions, never a value.</summary>
public sealed class FormatRejectedException(string message, string? locator = null) : Exception(message)
{
    public string? Locator { get; } = locator;

    /// <summary>A parser's failure in words of our own: its message may quote the content.</summary>
    public static bool IsParseFailure(Exception e) =>
        e is System.Text.Json.JsonException or InvalidDataException or System.Xml.XmlException or FormatException or System.Text.DecoderFallbackException;

    public static string Describe(Exception e, string format) => $"a file of the delivery is not valid {format}: " + e switch
    {
        System.Text.Json.JsonException => "invalid JSON",
        System.Xml.XmlException => "invalid XML",
        InvalidDataException => "it cannot be unpacked",
        _ => "unreadable text",
    } + "; the delivery is rejected whole";
}
