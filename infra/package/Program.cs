using System.Diagnostics;
using System.IO.Compression;

// The zip the Functions host expects for a custom handler: host.json at the root, {Function}/function.json per
// function, and the executable named in host.json's customHandler.description.defaultExecutablePath, marked
// executable (0755) in the zip's Unix attributes.
var root = FindRoot();
var outPath = Path.GetFullPath(args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(root, "artifacts", "signalpipeline.zip"));
var publish = Path.Combine(Path.GetTempPath(), "sp-publish-" + Guid.NewGuid().ToString("N"));
try
{
    Console.WriteLine($"publishing self-contained linux-x64 to {publish} …");
    var psi = new ProcessStartInfo("dotnet")
    {
        ArgumentList = { "publish", Path.Combine(root, "functions", "SignalPipeline.Functions"), "-c", "Release", "-r", "linux-x64", "--self-contained", "true", "-o", publish, "-nologo", "-v", "q" },
    };
    using (var p = Process.Start(psi)!)
    {
        p.WaitForExit();
        if (p.ExitCode != 0) { Console.Error.WriteLine("dotnet publish failed"); return 1; }
    }
    Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
    if (File.Exists(outPath)) File.Delete(outPath);
    using (var zip = ZipFile.Open(outPath, ZipArchiveMode.Create))
    {
        foreach (var file in Directory.EnumerateFiles(publish, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(publish, file).Replace('\\', '/');
            if (name.EndsWith(".pdb")) continue; // symbols stay with the build
            var entry = zip.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
            var executable = name is "signalpipeline" or "createdump" || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0);
            entry.ExternalAttributes = (int)((executable ? 0b111_101_101u : 0b110_100_100u) | 0x8000u) << 16; // regular file, 0755 or 0644
        }
    }
    Console.WriteLine($"wrote {outPath} ({new FileInfo(outPath).Length / 1_000_000.0:F1} MB)");
    return 0;
}
finally
{
    if (Directory.Exists(publish)) Directory.Delete(publish, recursive: true);
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SignalPipeline.sln"))) return dir.FullName;
    throw new InvalidOperationException("run inside the SignalPipeline checkout");
}
