using SignalPipeline.Analysis.Extracts;

namespace SignalPipeline.Functions.Cli;

/// <param name="Name">The file's name in the delivery folder: its path below {source}/{date}/ (a subfolder of an unpacked
/// extract keeps its place), or its file name.</param>
public sealed record ExtractFile(string Path, string Source, string Date, string? Name = null)
{
    public string DeliveryName => Name ?? System.IO.Path.GetFileName(Path);
}

/// <summary>Finds the files to deliver: a root laid out as {source}/{yyyy-MM-dd}/*.csv[.gz], a source or date folder
/// inside it, or single files (with --source and --date, or inside such a layout).</summary>
public static class ExtractFiles
{
    /// <summary>The files to deliver, and the files inside the given folders that are not in the layout (reported).</summary>
    public static (IReadOnlyList<ExtractFile> Files, IReadOnlyList<string> Outside) Resolve(IEnumerable<string> paths, string? source, DateOnly? date)
    {
        var result = new List<ExtractFile>();
        var outside = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                foreach (var f in Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    if (IsExtract(f) && FromLayout(f) is { } e) result.Add(e);
                    else if (!Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != Pipeline.IngestService.ReadyMarker) outside.Add(f);
            }
            else if (File.Exists(p))
            {
                if (!IsExtract(p)) throw new CliException($"{p}: not an extract file (.csv, .xml, .json, .jsonl or .zip, optionally .gz)");
                if (source is not null || date is not null)
                {
                    if (source is null || date is null) throw new CliException("--source and --date go together");
                    if (!SourceSchema.All.Contains(source)) throw new CliException($"--source must be one of {string.Join(", ", SourceSchema.All)}");
                    result.Add(new ExtractFile(p, source, date.Value.ToString("yyyy-MM-dd")));
                }
                else result.Add(FromLayout(p) ?? throw new CliException($"{p}: not inside {{source}}/{{yyyy-MM-dd}}/; give --source and --date"));
            }
            else throw new CliException($"{p}: no such file or folder");
        }
        // Sources in dependency order is not needed (snapshots are independent), but dates in order make corrections replace.
        return (result.OrderBy(f => f.Date, StringComparer.Ordinal).ThenBy(f => f.Source, StringComparer.Ordinal).ToList(), outside);
    }

    static bool IsExtract(string f) => Analysis.Formats.DeliveryFile.IsDataFileName(f);

    /// <summary>The nearest {source}/{yyyy-MM-dd}/ above the file, at any depth.</summary>
    static ExtractFile? FromLayout(string file)
    {
        var full = Path.GetFullPath(file);
        for (var dateDir = Path.GetDirectoryName(full); dateDir is not null && Path.GetDirectoryName(dateDir) is { } sourceDir; dateDir = sourceDir)
            if (SourceSchema.All.Contains(Path.GetFileName(sourceDir)) && DateOnly.TryParseExact(Path.GetFileName(dateDir), "yyyy-MM-dd", out _))
                return new ExtractFile(file, Path.GetFileName(sourceDir), Path.GetFileName(dateDir), Path.GetRelativePath(dateDir, full).Replace('\\', '/'));
        return null;
    }
}
