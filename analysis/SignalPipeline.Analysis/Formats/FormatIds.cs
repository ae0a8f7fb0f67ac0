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
}
