using SignalPipeline.Functions.Cli;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The command line's own behaviour (System.CommandLine): usage errors, help, and <c>retention --now</c>.</summary>
public sealed class CliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();

    async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        var code = await CliApp.RunAsync(args, o, e, azurite.Settings(dir.Path));
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("--date must be yyyy-MM-dd", "nightly", "--date", "2026-13-01")]
    [InlineData("'frobnicate'", "frobnicate")]
    [InlineData("'xml'", "signals", "export", "--format", "xml")]
    [InlineData("Option '--reason' is required", "subject", "find", "--bsn", "111222333")]
    [InlineData("--rows must be a positive number", "sample-brp", "--rows", "0", "--out", "x.csv")]
    [InlineData("--now must be an ISO 8601 instant", "retention", "--now", "gisteren")]
    [InlineData("Required argument 'path' missing", "ingest")]
    public async Task A_usage_error_exits_1_with_what_is_wrong_and_where_the_help_is_on_stderr(string expected, params string[] args)
    {
        var (code, output, err) = await Cli(args);
        Assert.Equal(1, code);
        Assert.Equal("", output); // no help text dumped on a mistake
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, err);
        Assert.Matches("^usage: signalpipeline .*--help$", lines[^1]);
        Assert.DoesNotContain("   at ", err); // never a stack trace
    }

    [Fact]
    public async Task Help_lists_every_contract_verb_and_a_verb_without_arguments_asks_for_one()
    {
        var help = await Cli("--help");
        Assert.Equal(0, help.Code);
        foreach (var verb in new[] { "ingest", "nightly", "signals", "register", "serve", "demo", "retention", "audit", "subject" })
            Assert.Matches($"(?m)^  {verb}\\b", help.Out);
        var none = await Cli();
        Assert.Equal(1, none.Code);
        Assert.Contains("Commands:", none.Out);
        var export = await Cli("signals", "export", "--help");
        Assert.Equal(0, export.Code);
        foreach (var option in new[] { "--run", "--format", "--out", "--reveal", "--reason", "--territory", "--register" })
            Assert.Contains(option, export.Out);
    }

    [Fact]
    public async Task Retention_now_applies_the_terms_as_of_the_given_instant()
    {
        // A rejected delivery waits in quarantine for its term (30 days by default).
        var bad = SampleExtracts.WriteCsv(Path.Combine(dir.Path, "bad"), "bag", "2026-10-01", ';', ["verblijfsobject_id", "postcode"], [["1771010000000001", "1234AB"]]);
        Assert.Equal(2, (await Cli("ingest", bad)).Code);
        var today = await Cli("retention");
        Assert.Equal(0, today.Code);
        Assert.Contains("0 quarantined files deleted", today.Out);

        var later = DateTimeOffset.UtcNow.AddDays(31).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var then = await Cli("retention", "--now", later);
        Assert.Equal(0, then.Code);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(then.Out, "[1-9][0-9]* quarantined files deleted"), then.Out + then.Err);
        Assert.Contains("0 quarantined files deleted", (await Cli("retention")).Out); // gone for good
    }

    public void Dispose() => dir.Dispose();
}
