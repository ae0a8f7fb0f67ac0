using System.Text;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Extracts;

namespace SignalPipeline.Analysis.Formats;

/// <summary>Content-based detection (docs/contracts/sources.md, "Delivery and detection"): the first 64 KB of a file
/// decide its format id; file names never do, except that <c>zgw-mapping.json</c> is the ZGW export's mapping.</summary>
public static partial class FormatDetector
{
    /// <summary>A Kadaster XML file without objects (leveringsdocument, gemeente–woonplaats relation): part of an LV BAG delivery.</summary>
    public const string LvBagAncillary = "lvbag-2.0 (no objects)";

    public static string? Detect(DeliveryFile file, string source)
    {
        if (ZgwReader.IsMapping(file)) return FormatIds.Zgw;
        var head = Head(file);
        var text = head.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('<'))
        {
            if (text.Contains(LvBagReader.ExtractNamespace, StringComparison.Ordinal) && BagStand().IsMatch(text)) return FormatIds.LvBag;
            return text.Contains("kadaster.nl/schemas/", StringComparison.Ordinal) ? LvBagAncillary : null;
        }
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            if (Personen().IsMatch(text)) return FormatIds.BrpPersonen;
            if (Results().IsMatch(text) && text.Contains("\"count\"", StringComparison.Ordinal)) return FormatIds.Zgw;
            return null;
        }
        var firstLine = text.Split('\n')[0].TrimEnd('\r');
        if (GbaVReader.IsHeader(firstLine)) return FormatIds.GbaV;
        var names = firstLine.Split(Snapshots.ExtractProbe.DetectSeparator(firstLine)).Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToHashSet();
        var schema = SourceSchema.All.Contains(source) ? SourceSchema.For(source) : null;
        return schema is not null && names.Contains(schema.KeyColumn) ? FormatIds.CsvV1 : null;
    }

    static string Head(DeliveryFile file)
    {
        using var stream = file.Open();
        var buffer = new byte[64 * 1024];
        var n = 0;
        try
        {
            int read;
            while (n < buffer.Length && (read = stream.Read(buffer, n, buffer.Length - n)) > 0) n += read;
        }
        catch (InvalidDataException) { throw new FormatRejectedException($"{file.Name}: the file cannot be unpacked", file.Name); }
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [GeneratedRegex(@"<([A-Za-z0-9_-]+:)?bagStand[\s>]")]
    private static partial Regex BagStand();

    [GeneratedRegex("\"personen\"\\s*:\\s*\\[")]
    private static partial Regex Personen();

    [GeneratedRegex("\"results\"\\s*:\\s*\\[")]
    private static partial Regex Results();
}
