using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Long ingests report progress: in a log (redirected output, as here) as lines with rows read and the share
/// of the file; on a terminal as a bar (Spectre.Console, not testable without a terminal; same numbers).</summary>
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
}
