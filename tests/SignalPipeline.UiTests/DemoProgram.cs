using SignalPipeline.Functions.Cli;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>What every browser test starts from: the demo's extracts ingested and run on a date, then the program
/// serving the review UI with the development sign-in.</summary>
static class DemoProgram
{
    public static async Task<ProgramProcess> StartAsync(Dictionary<string, string?> settings, string date)
    {
        Assert.Equal(0, await CliApp.RunAsync(["demo", "--no-serve", "--date", date], TextWriter.Null, TextWriter.Null, settings));
        return new ProgramProcess(settings, devSignIn: true);
    }
}
