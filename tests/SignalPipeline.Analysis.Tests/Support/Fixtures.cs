namespace SignalPipeline.Tests.Infrastructure;

/// <summary>The real-format samples in <c>tests/fixtures/formats/</c> (copied with their provenance).</summary>
public static class Fixtures
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (Directory.Exists(System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "formats"))) return System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "formats");
            throw new DirectoryNotFoundException("tests/fixtures/formats");
        }
    }

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static Analysis.Formats.DeliveryFile File(string path) => new(System.IO.Path.GetFileName(path), () => System.IO.File.OpenRead(path));

    /// <summary>The files of a folder as a delivery: zips read as their files.</summary>
    public static IReadOnlyList<Analysis.Formats.DeliveryFile> Folder(string folder, List<IDisposable> scope) =>
        Directory.GetFiles(folder).Order(StringComparer.Ordinal).SelectMany(f => Analysis.Formats.DeliveryFile.Expand(File(f), scope)).ToList();
}
