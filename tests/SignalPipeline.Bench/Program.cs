using SignalPipeline.Bench;

// dotnet run --project tests/SignalPipeline.Bench -c Release -- [small|city|national] [--keep DIR]
var scale = Scale.Parse(args.FirstOrDefault(a => !a.StartsWith("--")) ?? "small");
var keep = args.SkipWhile(a => a != "--keep").Skip(1).FirstOrDefault();
var work = keep ?? Path.Combine(Path.GetTempPath(), "sp-bench-" + Guid.NewGuid().ToString("N"));
var root = AppContext.BaseDirectory;
for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
    if (File.Exists(Path.Combine(d.FullName, "SignalPipeline.sln"))) { root = d.FullName; break; }
var total = System.Diagnostics.Stopwatch.StartNew();
try
{
    var result = await Bench.RunAsync(scale, work, Path.Combine(root, "functions", "SignalPipeline.Functions", "config", "dpia-register.json"), Console.Out);
    Console.Write(Bench.Report(result));
    Console.WriteLine(Bench.BenchLine(result, total.Elapsed.TotalSeconds)); // last line: machine-readable
    return result.OurCounts.All(c => result.DuckDbCounts.GetValueOrDefault(c.Key) == c.Value) ? 0 : 3;
}
finally
{
    if (keep is null && Directory.Exists(work)) Directory.Delete(work, recursive: true);
}
