using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Long ingests and nightlies report progress: in a log (redirected output, as here) as lines — rows read and
/// the share of the file; the nightly's steps — and on a terminal as a bar (Spectre.Console, not testable without a
/// terminal; the same numbers).</summary>
public sealed class ProgressTests
{
    [Fact]
    public async Task A_long_ingest_reports_rows_and_the_share_of_the_file_as_lines()
    {
        using var p = new PipelineUnderTest();
        var file = p.Dir.File("brp.csv");
        Functions.Cli.SampleExtracts.WriteLargeBrp(file, 120_000);
        var r = await p.Cli("ingest", file, "--source", "brp", "--date", "2026-03-02");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var line = Assert.Single(r.Out.Split('\n'), l => l.Contains("rows read (", StringComparison.Ordinal));
        Assert.Matches(@"brp 2026-03-02: 100[,.]000 rows read \((\d+)% of the file\) …", line);
        var percent = int.Parse(System.Text.RegularExpressions.Regex.Match(line, @"\((\d+)%").Groups[1].Value);
        Assert.InRange(percent, 50, 100); // 100 000 of 120 000 rows, give or take the read-ahead buffer
    }

    [Fact]
    public async Task A_nightly_reports_each_of_its_steps_in_order_as_lines()
    {
        using var p = new PipelineUnderTest();
        Assert.Equal(0, (await p.Cli("ingest", Nights.Write(p.Dir.File("extracts"), 1))).Code);
        var r = await p.Cli("nightly", "--date", Nights.DateText(1));
        Assert.True(r.Code == 0, r.Out + r.Err);
        var steps = System.Text.RegularExpressions.Regex.Matches(r.Out, @"nightly \d{4}-\d{2}-\d{2}: step (\d)/6: (.+) …").Select(m => (Step: int.Parse(m.Groups[1].Value), Stage: m.Groups[2].Value)).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], steps.Select(s => s.Step));
        Assert.Contains("loading 4 snapshots", steps[0].Stage);
        Assert.Matches(@"running \d+ models on [\d,.]+ rows", steps[1].Stage);
        // The steps come before the run's summary, and the run ends completed.
        Assert.True(r.Out.IndexOf("step 6/6", StringComparison.Ordinal) < r.Out.IndexOf(": completed", StringComparison.Ordinal));
    }
}
