using Microsoft.Extensions.Configuration;

namespace SignalPipeline.Functions.Configuration;

/// <summary>All settings in one record, read once. Names are the app settings (<c>Section__Key</c> in the environment).</summary>
public sealed record PipelineSettings
{
    public string? StorageConnectionString { get; init; }
    public string? StorageAccountName { get; init; }
    /// <summary>The audit log's own account (<c>Storage:AuditAccountName</c>, managed identity); default the data account.</summary>
    public string? AuditAccountName { get; init; }
    public string? KeyVaultUri { get; init; }
    public string RegisterPath { get; init; } = "";
    /// <summary>The register file was configured explicitly: it governs as it is, outside the stored lifecycle (development, tests).</summary>
    public bool RegisterFileGiven { get; init; }
    /// <summary>Zaaksystemen a hand-off can create a zaak in (phase 1, stap 4); none: the hand-off is a document.</summary>
    public IReadOnlyDictionary<string, ZgwRecipient> ZgwRecipients { get; init; } = new Dictionary<string, ZgwRecipient>();
    public IReadOnlyList<string> Territory { get; init; } = ["1771"];
    public bool DeleteRawAfterIngest { get; init; } = true;
    public double MaxRejectedShare { get; init; } = 0.05;
    /// <summary>How long a nightly waits for another one to finish before it refuses (<c>Nightly:LockWaitSeconds</c>).</summary>
    public TimeSpan NightlyLockWait { get; init; } = TimeSpan.FromMinutes(30);
    public string LocalDir { get; init; } = ".local";
    /// <summary>The development key file (<c>SignalPipeline:DevKeyFile</c>; default <c>{LocalDir}/dev-keys.json</c>).</summary>
    public string DevKeyFile { get; init; } = Path.Combine(".local", "dev-keys.json");
    public string ProjectRoot { get; init; } = "";
    public bool DevSignIn { get; init; }
    /// <summary><c>AZURE_FUNCTIONS_ENVIRONMENT</c>, else <c>ASPNETCORE_ENVIRONMENT</c>, else Production. Development
    /// sign-in is refused anywhere but in Development.</summary>
    public string EnvironmentName { get; init; } = "Production";
    /// <summary>App Service authentication is on (<c>WEBSITE_AUTH_ENABLED</c> = True): only then is the principal header trusted.</summary>
    public bool AppServiceAuthEnabled { get; init; }

    /// <summary>Fault drills for reliability tests; none unless <c>Testing:FaultAt</c> or <c>Testing:KillAt</c> is set.</summary>
    public Configuration.FaultPoints Faults { get; init; } = Configuration.FaultPoints.None;
    public string TimeZone { get; init; } = "Europe/Amsterdam";
    /// <summary>Optional OpenLineage endpoint (e.g. Marquez <c>http://host:5000/api/v1/lineage</c>).</summary>
    public string? LineageEndpoint { get; init; }
    /// <summary>Area report flagging (<c>AreaReport__MaxRatio</c>, <c>AreaReport__MinSignals</c>).</summary>
    public Analysis.Runs.AreaReportOptions AreaReport { get; init; } = new();
    /// <summary>Per source the oldest peildatum a model may run on, in days (<c>Sources:MaxAgeDays:{source}</c>; defaults
    /// brp 7, bag 35, permits 7, enforcement 7).</summary>
    public IReadOnlyDictionary<string, int> MaxAgeDays { get; init; } = Analysis.Runs.Freshness.Defaults;
    /// <summary>How long an erased or objecting person stays on the suppression list (<c>Privacy:SuppressionDays</c>,
    /// default five years; docs/privacy.md).</summary>
    public int SuppressionDays { get; init; } = 1826;
    /// <summary>Retention terms in days (<c>Retention__NonActiveDays</c>, …); defaults per protocol art. 12.</summary>
    public Configuration.RetentionTerms Retention { get; init; } = new();
    /// <summary>Deployed parameter values per model (<c>Models__OVB__min_residents=5</c>); absent = the model's default.
    /// The DPIA gate refuses a model whose values differ from the register's approval.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> ModelParameters { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, decimal>>();

    public static PipelineSettings From(IConfiguration c)
    {
        var root = c["SignalPipeline:ProjectRoot"] ?? FindProjectRoot();
        var local = c["SignalPipeline:LocalDir"] ?? Path.Combine(root, ".local");
        return new PipelineSettings
        {
            StorageConnectionString = Blank(c["Storage:ConnectionString"]),
            StorageAccountName = Blank(c["Storage:AccountName"]),
            AuditAccountName = Blank(c["Storage:AuditAccountName"]),
            KeyVaultUri = Blank(c["KeyVault:Uri"]),
            RegisterPath = c["SignalPipeline:Register"] ?? Path.Combine(AppContext.BaseDirectory, "config", "dpia-register.json"),
            RegisterFileGiven = c["SignalPipeline:Register"] is not null,
            ZgwRecipients = ZgwRecipient.From(c),
            Territory = (c["SignalPipeline:Territory"] ?? "1771").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            DeleteRawAfterIngest = !bool.TryParse(c["SignalPipeline:DeleteRawAfterIngest"], out var d) || d,
            MaxRejectedShare = double.TryParse(c["SignalPipeline:MaxRejectedShare"], System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : 0.05,
            NightlyLockWait = TimeSpan.FromSeconds(int.TryParse(c["Nightly:LockWaitSeconds"], out var w) && w >= 0 ? w : 1800),
            LocalDir = local,
            DevKeyFile = c["SignalPipeline:DevKeyFile"] ?? Path.Combine(local, "dev-keys.json"),
            ProjectRoot = root,
            DevSignIn = bool.TryParse(c["Review:DevSignIn"], out var dev) && dev,
            EnvironmentName = Blank(c["AZURE_FUNCTIONS_ENVIRONMENT"]) ?? Blank(c["ASPNETCORE_ENVIRONMENT"]) ?? "Production",
            AppServiceAuthEnabled = string.Equals(c["WEBSITE_AUTH_ENABLED"], "True", StringComparison.OrdinalIgnoreCase),

            Faults = c["Testing:FaultAt"] is null && c["Testing:KillAt"] is null ? Configuration.FaultPoints.None
                : new Configuration.FaultPoints(Blank(c["Testing:FaultAt"]), Blank(c["Testing:KillAt"]), int.TryParse(c["Testing:FaultOnHit"], out var hit) && hit > 0 ? hit : 1),
            LineageEndpoint = Blank(c["Lineage:Endpoint"]),
            Retention = new Configuration.RetentionTerms
            {
                NonActiveDays = Int(c, "Retention:NonActiveDays", 365), EndResultDays = Int(c, "Retention:EndResultDays", 365),
                UndecidedDays = Int(c, "Retention:UndecidedDays", 90), UndecidedWarningDays = Int(c, "Retention:UndecidedWarningDays", 14),
                SnapshotDays = Int(c, "Retention:SnapshotDays", 90), RawExtractDays = Int(c, "Retention:RawExtractDays", 2),
                QuarantineDays = Int(c, "Retention:QuarantineDays", 30),
            },
            SuppressionDays = Int(c, "Privacy:SuppressionDays", 1826),
            MaxAgeDays = Analysis.Runs.Freshness.Defaults.ToDictionary(d => d.Key, d => Int(c, $"Sources:MaxAgeDays:{d.Key}", d.Value)),
            AreaReport = new Analysis.Runs.AreaReportOptions(
                decimal.TryParse(c["AreaReport:MaxRatio"], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var ratio) ? ratio : 2.0m,
                int.TryParse(c["AreaReport:MinSignals"], out var min) ? min : 3),
            ModelParameters = c.GetSection("Models").GetChildren().ToDictionary(
                m => m.Key.ToUpperInvariant(),
                m => (IReadOnlyDictionary<string, decimal>)m.GetChildren().ToDictionary(p => p.Key, p => decimal.TryParse(p.Value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v)
                    ? v : throw new InvalidOperationException($"setting Models:{m.Key}:{p.Key} must be a number"))),
        };
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    static int Int(IConfiguration c, string key, int fallback) => int.TryParse(c[key], out var v) && v > 0 ? v : fallback;

    /// <summary>The folder with SignalPipeline.sln above the working directory or the program; else the working directory.</summary>
    public static string FindProjectRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SignalPipeline.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
