using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Composition;

/// <summary>The object graph, built once for the CLI and the HTTP program alike.</summary>
public sealed class AppServices : IDisposable
{
    public required PipelineSettings Settings { get; init; }
    public required StorageClients Storage { get; init; }
    public required IKeyProvider Keys { get; init; }
    public required TimeProvider Clock { get; init; }
    public AzuriteLauncher? Azurite { get; init; }
    public SnapshotStore Snapshots => new(Storage);
    public RunStore Runs => new(Storage);
    public CandidateRegister Register => new(Storage, Clock, Faults);
    public AuditLog Audit => new(Storage);
    public LineageLog Lineage => new(Storage, Settings.LineageEndpoint, Console.Error);
    public IdentityResolver Identities => new(Snapshots, Keys);
    public IngestService Ingest => new(Storage, Snapshots, Keys, LoadRegister, Settings, Clock, Lineage) { Faults = Faults };
    public NightlyService Nightly => new(Storage, Snapshots, Runs, Register, Intake, Keys, LoadRegister, Settings, Clock, Lineage, Minimisation) { Faults = Faults };
    public MinimisationService Minimisation => new(Snapshots, Register, Audit, Clock);
    /// <summary>Fault drills (<c>Testing:FaultAt</c>, <c>Testing:KillAt</c>); none unless configured.</summary>
    public FaultPoints Faults => Settings.Faults;
    public IntakeService Intake => new(Storage, Register, Runs) { Faults = Faults };
    public ExportService Export => new(Runs, Identities, Audit, Clock);
    public SubjectRequestService Subjects => new(Storage, Snapshots, Register, Runs, Audit, Keys, Clock, LoadRegister, Settings);
    public RetentionService Retention => new(Storage, Register, Snapshots, Runs, Audit, Settings.Retention, Clock, Minimisation) { Dossiers = Dossiers };

    public DpiaRegisterStore DpiaRegisters => new(Storage, Audit, Clock);
    public ChecklistStore Checklists => new(Storage, Audit, Clock);
    public DossierStore Dossiers => new(Storage, Clock);
    static readonly HttpClient ZgwHttp = new() { Timeout = TimeSpan.FromSeconds(30) };
    public ZgwHandoffService Zgw => new(ZgwHttp, Clock);
    public ReplayService Replay => new(Storage, Runs, Snapshots, DpiaRegisters, Keys, Settings, Clock);

    /// <summary>The register that governs now: the newest approved version in storage with its suspensions (installed from
    /// the packaged file the first time), read on every use so an approval or a suspension counts from the next run on.
    /// A register file given explicitly (<c>--register</c>, <c>SignalPipeline:Register</c>) is used as it is instead: for
    /// development and tests only, and every run records it (docs/dpia-register.md).</summary>
    public Task<DpiaRegister> LoadRegister(CancellationToken ct = default) => RegisterAsync(keep: true, ct);

    /// <summary>The same register for a page that shows it: nothing is written.</summary>
    public Task<DpiaRegister> ViewRegister(CancellationToken ct = default) => RegisterAsync(keep: false, ct);

    async Task<DpiaRegister> RegisterAsync(bool keep, CancellationToken ct)
    {
        if (!Settings.RegisterFileGiven) return (await DpiaRegisters.EffectiveAsync(Settings.RegisterPath, ct, keep)).Register;
        var file = DpiaRegister.Load(Settings.RegisterPath);
        return file with { RegisterVersion = file.RegisterVersion + " (bestand)" };
    }

    /// <summary>Storage per docs/contracts/cli.md: a configured account wins; otherwise local Azurite, started when nothing listens.</summary>
    public static async Task<AppServices> CreateAsync(PipelineSettings settings, TextWriter log, TimeProvider? clock = null, CancellationToken ct = default)
    {
        AzuriteLauncher? azurite = null;
        var connection = settings.StorageConnectionString;
        if (connection is null && settings.StorageAccountName is null)
        {
            azurite = new AzuriteLauncher();
            if (!azurite.EnsureRunning(settings.ProjectRoot, Path.Combine(settings.LocalDir, "azurite"), log)) { azurite.Dispose(); azurite = null; }
            connection = AzuriteLauncher.ConnectionStringFor(10000);
        }
        var storage = new StorageClients(connection, settings.StorageAccountName, settings.AuditAccountName);
        try { await storage.EnsureCreatedAsync(ct); }
        catch (Exception e) when (StorageFault.IsUnreachable(e))
        {
            azurite?.Dispose();
            throw new StorageUnavailableException(connection is not null && settings.StorageConnectionString is null
                ? "local Azurite on 127.0.0.1:10000 could not be reached (run `npm ci` in the project folder, or configure Storage:ConnectionString)"
                : $"the storage account could not be reached ({StorageDescription(settings)}); nothing was changed: run the same command again when it is back");
        }
        IKeyProvider keys = settings.KeyVaultUri is { } vault
            ? new KeyVaultKeyProvider(new SecretClient(new Uri(vault), new DefaultAzureCredential()))
            : new DevKeyFileProvider(settings.DevKeyFile, log, c => KeyGuard.KeysInUseAsync(storage, c));
        return new AppServices { Settings = settings, Storage = storage, Keys = new KeyGuard(keys, storage), Clock = clock ?? TimeProvider.System, Azurite = azurite };
    }

    /// <summary>Names the account without its key.</summary>
    public static string StorageDescription(PipelineSettings s) =>
        s.StorageAccountName is { } name ? $"account {name}" :
        s.StorageConnectionString is { } c && System.Text.RegularExpressions.Regex.Match(c, "BlobEndpoint=([^;]+)") is { Success: true } m ? m.Groups[1].Value :
        s.StorageConnectionString is { } c2 && System.Text.RegularExpressions.Regex.Match(c2, "AccountName=([^;]+)") is { Success: true } m2 ? $"account {m2.Groups[1].Value}" : "the configured account";

    public void Dispose() => Azurite?.Dispose();
}
