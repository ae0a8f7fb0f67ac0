using Microsoft.Extensions.Configuration;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Cli;

/// <summary>The operator command line of docs/contracts/cli.md: ingest, nightly, signals export, serve, demo.</summary>
public static class CliApp
{
    const string Usage = """
        usage: signalpipeline <verb> [options]
          ingest <path>... [--source S --date yyyy-MM-dd]   deliver and ingest extract files
          nightly [--date yyyy-MM-dd]                       run the nightly comparison and the intake
          signals export [--run latest|ID] [--format json|csv] [--out FILE] [--reveal --reason TEXT]
          signals list [--format json|csv] [--out FILE]     the signalenregister: one record per signal (alias: register list)
          serve [--urls http://127.0.0.1:7071]              run the HTTP program (custom handler, review UI)
          demo [--date yyyy-MM-dd] [--urls URL] [--no-serve] sample extracts → ingest → nightly → review UI
          sample-brp --rows N --out FILE                    a large BRP file for measurements
          bench-ano [--vbos N]                              time ANO training and scoring on a synthetic matrix
          retention                                         apply the retention terms (protocol art. 12) now
          audit verify                                      check the audit log's hash chain from the first entry (3 when broken)
          subject find --bsn BSN --reason TEXT [--out FILE.html]   what the pipeline holds about a person (art. 14)
          subject rectify --bsn BSN --reason TEXT           record a rectification (made at the source) on their signals
          subject erase --bsn BSN --reason TEXT             erase a person from signals, snapshots and envelopes
        common: --territory 1771,... --register FILE
        exit codes: 0 success; 1 usage error or the run failed; 2 an extract was rejected; 3 refused for safety
        (keys missing or changed, storage unreachable, a snapshot made under another key)
        """;

    /// <param name="settings">Extra settings on top of the environment (tests pass their Azurite here).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var output = stdout ?? Console.Out;
        var error = stderr ?? Console.Error;
        CliArgs cli;
        try { cli = CliArgs.Parse(args); }
        catch (CliException e) { error.WriteLine(e.Message); return 1; }
        var verb = cli.Positional.FirstOrDefault();
        if (verb is null && Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is not null) verb = "serve";
        if (verb is null or "help" || cli.Has("help")) { output.WriteLine(Usage); return verb is null ? 1 : 0; }

        try
        {
            var config = new ConfigurationBuilder().AddEnvironmentVariables();
            var overrides = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
            if (cli.Get("territory") is { } t) overrides["SignalPipeline:Territory"] = t;
            if (cli.Get("register") is { } r) overrides["SignalPipeline:Register"] = Path.GetFullPath(r);
            if (verb == "demo")
            {
                // The demo is a development tool: its sign-in is the development one, so its environment is Development
                // unless one is set explicitly (then the development sign-in is refused outside Development).
                overrides["Review:DevSignIn"] = "true";
                if (Environment.GetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT") is null && Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null)
                    overrides["ASPNETCORE_ENVIRONMENT"] = "Development";
            }
            var pipelineSettings = PipelineSettings.From(config.AddInMemoryCollection(overrides).Build());
            Analysis.Snapshots.TempFiles.RemoveLeftovers(); // a killed ingest leaves its spool behind; this start removes it
            if (verb == "sample-brp") return Verbs.SampleBrp(cli, output); // a file generator: no storage needed
            if (verb == "bench-ano") return Verbs.BenchAno(cli, output);
            using var services = await AppServices.CreateAsync(pipelineSettings, error);
            return verb switch
            {
                "ingest" => await Verbs.IngestAsync(services, cli, output),
                "nightly" => await Verbs.NightlyAsync(services, cli, output),
                "signals" when cli.Positional.ElementAtOrDefault(1) == "export" => await Verbs.ExportAsync(services, cli, output),
                "signals" or "register" when cli.Positional.ElementAtOrDefault(1) == "list" => await Verbs.ListAsync(services, cli, output),
                "serve" => await Verbs.ServeAsync(services, cli, output),
                "demo" => await Verbs.DemoAsync(services, cli, output),
                "retention" => await Verbs.RetentionAsync(services, output),
                "audit" when cli.Positional.ElementAtOrDefault(1) == "verify" => await Verbs.AuditVerifyAsync(services, output, error),
                "subject" => await Verbs.SubjectAsync(services, cli, output),
                _ => Fail(error, $"unknown verb '{string.Join(' ', cli.Positional)}'\n{Usage}"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (code, message) = Explain(e);
            return Fail(error, message, code);
        }
    }

    /// <summary>Every fault ends in one line that says what to do, and an exit code from docs/contracts/cli.md v2; never a stack trace.
    /// Only this code base's own messages are printed (they carry no identifiers); others are named by type.</summary>
    public static (int Code, string Message) Explain(Exception e) => e switch
    {
        Storage.KeysUnavailableException or Storage.KeysChangedException => (3, $"refused: {e.Message}"),
        Storage.StorageUnavailableException => (3, $"refused: {e.Message}"),
        _ when Storage.StorageFault.IsUnreachable(e) => (3, "refused: the storage account could not be reached; nothing was changed: run the same command again when it is back"),
        CliException or ArgumentException or Analysis.Register.RegisterException or InvalidOperationException
            or Pipeline.RunIncompleteException or Storage.NightlyBusyException or Configuration.InjectedFaultException => (1, $"error: {e.Message}"),
        global::Azure.RequestFailedException r => (1, $"error: storage refused a request ({r.Status} {r.ErrorCode}); run the same command again, and report it if it persists"),
        _ => (1, $"error: unexpected {e.GetType().Name}; nothing that was completed is lost: run the same command again, and report it if it persists"),
    };

    static int Fail(TextWriter error, string message, int code = 1) { error.WriteLine(message); return code; }
}
