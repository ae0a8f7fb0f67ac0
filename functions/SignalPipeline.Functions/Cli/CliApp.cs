using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Cli;

/// <summary>The operator command line of docs/contracts/cli.md on System.CommandLine: the verbs and options are declared
/// in <see cref="Commands"/>, help and usage errors come from the library, and every verb runs through
/// <see cref="RunVerbAsync"/>: settings, the object graph, one line and an exit code for every fault.</summary>
public static class CliApp
{
    /// <param name="settings">Extra settings on top of the environment (tests pass their Azurite here).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var context = new CliContext(stdout ?? Console.Out, stderr ?? Console.Error, settings ?? new Dictionary<string, string?>());
        // Started by the Functions host without arguments: the host expects the HTTP program.
        if (args.Length == 0 && Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is not null) args = ["serve"];
        var root = Commands.Build(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A usage error: what is wrong and where the help is, on stderr; not the whole help text.
            foreach (var error in parsed.Errors) context.Error.WriteLine($"error: {error.Message}");
            context.Error.WriteLine($"usage: signalpipeline {parsed.CommandResult.Command.Name switch { "signalpipeline" or "" => "", var n => CommandPath(parsed) + " " }}--help");
            return 1;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error, EnableDefaultExceptionHandler = false });
    }

    static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>Builds the settings (environment, then the test's extras, then the global options), removes a killed
    /// ingest's leftovers, creates the services when the verb needs storage, and turns every fault into one line.</summary>
    internal static async Task<int> RunVerbAsync(CliContext context, ParseResult parsed, Func<AppServices, Task<int>>? withServices = null,
        Func<PipelineSettings, int>? withoutStorage = null, bool demo = false, TimeProvider? clock = null)
    {
        try
        {
            var overrides = new Dictionary<string, string?>(context.Settings);
            if (parsed.GetValue<string?>("--territory") is { } t) overrides["SignalPipeline:Territory"] = t;
            if (parsed.GetValue<string?>("--register") is { } r) overrides["SignalPipeline:Register"] = Path.GetFullPath(r);
            if (demo)
            {
                // The demo is a development tool: its sign-in is the development one, so its environment is Development
                // unless one is set explicitly (then the development sign-in is refused outside Development).
                overrides["Review:DevSignIn"] = "true";
                if (Environment.GetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT") is null && Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null)
                    overrides["ASPNETCORE_ENVIRONMENT"] = "Development";
            }
            var settings = PipelineSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(overrides).Build());
            Analysis.Snapshots.TempFiles.RemoveLeftovers(); // a killed ingest leaves its spool behind; this start removes it
            if (withoutStorage is not null) return withoutStorage(settings);
            using var services = await AppServices.CreateAsync(settings, context.Error, clock);
            return await withServices!(services);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (code, message) = Explain(e);
            context.Error.WriteLine(message);
            return code;
        }
    }

    /// <summary>Every fault ends in one line that says what to do, and an exit code from docs/contracts/cli.md v2; never a stack trace.
    /// Only this code base's own messages are printed (they carry no identifiers); others are named by type.</summary>
    public static (int Code, string Message) Explain(Exception e) => e switch
    {
        Storage.KeysUnavailableException or Storage.KeysChangedException => (3, $"refused: {e.Message}"),
        Storage.StorageUnavailableException => (3, $"refused: {e.Message}"),
        Storage.RegisterRefusedException or Pipeline.ReplayImpossibleException => (3, $"refused: {e.Message}"),
        _ when Storage.StorageFault.IsUnreachable(e) => (3, "refused: the storage account could not be reached; nothing was changed: run the same command again when it is back"),
        CliException or ArgumentException or Analysis.Register.RegisterException or InvalidOperationException
            or Pipeline.RunIncompleteException or Storage.NightlyBusyException or InjectedFaultException => (1, $"error: {e.Message}"),
        global::Azure.RequestFailedException r => (1, $"error: storage refused a request ({r.Status} {r.ErrorCode}); run the same command again, and report it if it persists"),
        _ => (1, $"error: unexpected {e.GetType().Name}; nothing that was completed is lost: run the same command again, and report it if it persists"),
    };
}

/// <summary>Where a command line writes, and the settings a caller (a test) adds to the environment.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error, IReadOnlyDictionary<string, string?> Settings);
