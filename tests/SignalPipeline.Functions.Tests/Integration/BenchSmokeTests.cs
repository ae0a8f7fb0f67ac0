using SignalPipeline.Bench;
using Xunit.Abstractions;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>CI runs only the small scale of the benchmark: it must complete, report every stage, and agree with the
/// DuckDB peer on the six rule models' counts. The figures themselves are printed, not asserted.</summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Small_scale_benchmark_runs_and_matches_the_DuckDB_peer()
    {
        using var dir = new TempDir();
        var log = new StringWriter();
        var result = await Bench.Bench.RunAsync(Scale.Parse("small"), dir.Path, TestData.RegisterPath, log);
        output.WriteLine(Bench.Bench.Report(result));
        foreach (var stage in new[] { "floor: parse + HMAC", "parse", "validate", "pseudonymise", "envelope", "snapshot write (spool + Parquet)", "link", "model OVB", "model ANO", "intake (messages)", "peer: DuckDB six rules" })
            Assert.Contains(result.Stages, s => s.Stage == stage && s.Seconds >= 0);
        Assert.Equal(34_000, result.IngestRows);
        Assert.Equal(6, result.DuckDbCounts.Count);
        foreach (var (model, n) in result.OurCounts) Assert.True(result.DuckDbCounts[model] == n, $"{model}: ours {n}, DuckDB {result.DuckDbCounts[model]}");
        Assert.True(result.OurCounts["OVB"] > 0 && result.OurCounts["HHC"] > 0 && result.OurCounts["NWF"] > 0);

        // The last line the bench prints: every figure issue 17 reads, present and of the right kind (never a time asserted).
        var line = Bench.Bench.BenchLine(result, 1.0);
        Assert.StartsWith("BENCH {", line);
        var json = System.Text.Json.Nodes.JsonNode.Parse(line["BENCH ".Length..])!.AsObject();
        foreach (var field in new[] { "scale", "ingest_s", "floor_s", "ingest_ratio", "nightly_rules_s", "duckdb_s", "nightly_ratio", "total_s", "nightly_total_s", "peak_rss_mb", "peer_peak_rss_mb", "counts_match" })
            Assert.True(json.ContainsKey(field), field);
        Assert.Equal("small", (string)json["scale"]!);
        Assert.True((bool)json["counts_match"]!);
        Assert.Equal(1, (int)json["partitions"]!);
    }

    [Fact]
    public void National_scale_is_twenty_territories_that_add_up_to_the_national_rows()
    {
        var national = Scale.Parse("national");
        Assert.Equal(20, national.Partitions);
        var part = national.Part;
        Assert.Equal(1, part.Partitions);
        Assert.Equal((national.Brp, national.Bag, national.Permits, national.Enforcement),
            (part.Brp * 20, part.Bag * 20, part.Permits * 20, part.Enforcement * 20));
        var city = Scale.Parse("city");
        Assert.Same(city, city.Part); // one territory: the scale itself
    }
}
