using System.IO.Compression;

namespace SignalPipeline.Analysis.Formats;

/// <summary>One file of a delivery: its name (the path inside zips, joined with '/') and a way to open it again.
/// A <c>.zip</c> is read as the files in it, at any depth (Kadaster's zip-in-zip); <c>.gz</c> is unpacked.</summary>
public sealed record DeliveryFile(string Name, Func<Stream> Open)
{
    static readonly string[] Extensions = [".csv", ".xml", ".json", ".jsonl", ".zip"];

    /// <summary>A file a delivery may hold: .csv, .xml, .json, .jsonl or .zip, each optionally .gz.</summary>
    public static bool IsDataFileName(string name) =>
        Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase) || name.EndsWith(e + ".gz", StringComparison.OrdinalIgnoreCase));

    /// <summary>A CSV file (.csv or .csv.gz): the v1 delivery of one file.</summary>
    public static bool IsCsvName(string name) =>
        name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>What a zip or folder holds besides data: macOS resource forks and directory entries.</summary>
    public static bool IsNoise(string name) => name.Contains("__MACOSX/", StringComparison.Ordinal) || name.EndsWith('/')
        || Path.GetFileName(name).StartsWith('.') || Path.GetFileName(name) == "_READY";

    /// <summary>The readable files of <paramref name="file"/>: itself, or what its zips contain. Nested zips are copied
    /// to a temporary file (a zip entry cannot seek); the caller disposes the returned scope.</summary>
    public static IReadOnlyList<DeliveryFile> Expand(DeliveryFile file, List<IDisposable> scope)
    {
        if (IsNoise(file.Name)) return [];
        if (file.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            return [new DeliveryFile(file.Name[..^3], () => new GZipStream(file.Open(), CompressionMode.Decompress))];
        if (!file.Name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return [file];
        var source = file.Open();
        Stream seekable = source;
        if (!source.CanSeek)
        {
            var temp = Snapshots.TempFiles.Create("zip", ".zip");
            using (source) source.CopyTo(temp);
            temp.Position = 0;
            seekable = temp;
        }
        ZipArchive zip;
        try { zip = new ZipArchive(seekable, ZipArchiveMode.Read); }
        catch (InvalidDataException) { seekable.Dispose(); throw new FormatRejectedException($"{file.Name} is not a readable zip file", file.Name); }
        scope.Add(zip);
        var result = new List<DeliveryFile>();
        foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            var name = $"{file.Name}/{entry.FullName}";
            if (IsNoise(name)) continue;
            result.AddRange(Expand(new DeliveryFile(name, () => Entry(zip, entry)), scope));
        }
        return result;
    }

    // A zip's entries are read one at a time, in order.
    static Stream Entry(ZipArchive zip, ZipArchiveEntry entry)
    {
        lock (zip) return entry.Open();
    }
}
