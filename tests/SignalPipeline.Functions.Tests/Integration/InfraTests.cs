using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json.Nodes;

namespace SignalPipeline.Tests.Integration;

/// <summary>Issue 7: every Bicep file builds and lints clean with the Bicep CLI from NuGet (warnings are failures),
/// the compiled ARM JSON has the security properties the protocol asks for, and the package has the custom-handler
/// layout.</summary>
public sealed class InfraTests
{
    static readonly string Root = SignalPipeline.Functions.Configuration.PipelineSettings.FindProjectRoot();
    static readonly string BicepDir = Path.Combine(Root, "infra", "bicep");
    static readonly string Bicep = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/');

    static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BicepDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)}"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    static readonly Lazy<JsonNode> Compiled = new(() =>
    {
        var (code, output) = Run(Bicep, "build", "main.bicep", "--stdout");
        Assert.True(code == 0, output);
        return JsonNode.Parse(output[output.IndexOf('{')..])!;
    });

    /// <summary>Every resource declaration in the compiled template, nested deployments included.</summary>
    static List<JsonObject> Resources(string type)
    {
        var found = new List<JsonObject>();
        void Walk(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                if (o["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && o["apiVersion"] is not null && o["type"]!.GetValue<string>() == type) found.Add(o);
                foreach (var (_, v) in o) Walk(v);
            }
            else if (n is JsonArray a) foreach (var v in a) Walk(v);
        }
        Walk(Compiled.Value);
        return found;
    }

    static JsonNode P(JsonObject resource, string path) =>
        path.Split('.').Aggregate((JsonNode)resource["properties"]!, (n, part) => n[part] ?? throw new KeyNotFoundException($"{resource["type"]}: {path}"));

    [Fact]
    public void Every_bicep_file_builds_and_lints_without_warnings()
    {
        Assert.True(File.Exists(Bicep), $"Bicep CLI not found at {Bicep}");
        var files = Directory.GetFiles(BicepDir, "*.bicep", SearchOption.AllDirectories);
        Assert.True(files.Length >= 9, "expected main.bicep and its modules");
        foreach (var file in files)
        {
            var (code, output) = Run(Bicep, "lint", file);
            Assert.True(code == 0 && !output.Contains("Warning") && !output.Contains("Error"), $"{Path.GetFileName(file)}:\n{output}");
        }
        foreach (var param in Directory.GetFiles(Path.Combine(BicepDir, "env"), "*.bicepparam"))
        {
            var (code, output) = Run(Bicep, "build-params", param, "--stdout");
            Assert.True(code == 0 && !output.Contains("Warning"), $"{Path.GetFileName(param)}:\n{output}");
        }
    }

    static JsonNode Module(string name) => Resources("Microsoft.Resources/deployments").Single(d => d["name"]!.ToJsonString().Contains(name));

    [Fact]
    public void Storage_has_no_shared_keys_tls12_https_only_and_no_public_blobs()
    {
        var accounts = Resources("Microsoft.Storage/storageAccounts");
        Assert.Equal(3, accounts.Count); // data, audit, host
        foreach (var a in accounts)
        {
            Assert.False(P(a, "allowSharedKeyAccess").GetValue<bool>());
            Assert.False(P(a, "allowBlobPublicAccess").GetValue<bool>());
            Assert.Equal("TLS1_2", P(a, "minimumTlsVersion").GetValue<string>());
            Assert.True(P(a, "supportsHttpsTrafficOnly").GetValue<bool>());
        }
    }

    [Fact]
    public void Storage_and_key_vault_are_closed_to_public_networks_and_reached_through_private_endpoints()
    {
        var closed = Resources("Microsoft.Storage/storageAccounts").Concat(Resources("Microsoft.KeyVault/vaults")).ToList();
        foreach (var a in closed)
        {
            Assert.Equal("Deny", P(a, "networkAcls.defaultAction").GetValue<string>());
            Assert.Empty(P(a, "networkAcls.ipRules").AsArray());
            Assert.Empty(P(a, "networkAcls.virtualNetworkRules").AsArray());
            // Only the data account lets a trusted service through (Event Grid's system identity); the others have no public network at all.
            if (P(a, "publicNetworkAccess").GetValue<string>() != "Disabled") Assert.Equal("AzureServices", P(a, "networkAcls.bypass").GetValue<string>());
        }
        Assert.Equal(3, closed.Count(a => P(a, "publicNetworkAccess").GetValue<string>() == "Disabled")); // audit, host, vault

        Assert.Single(Resources("Microsoft.Network/privateEndpoints")); // one module, deployed per endpoint:
        var endpoints = Compiled.Value["variables"]!["endpoints"]!.AsArray().Select(e => $"{e!["account"]}-{e["group"]}").Order();
        Assert.Equal(["audit-blob", "data-blob", "data-queue", "data-table", "host-blob", "vault-vault"], endpoints);
        Assert.Equal("[length(variables('endpoints'))]", Module("pe-")["copy"]!["count"]!.GetValue<string>());
        var zones = Module("network")["properties"]!["template"]!["variables"]!["zones"]!.AsArray().Select(z => z!.GetValue<string>()).ToList();
        Assert.Equal(4, zones.Count);
        Assert.All(zones, z => Assert.Contains("privatelink.", z));
        Assert.All(Resources("Microsoft.Web/sites"), app => Assert.Contains("subnetId", P(app, "virtualNetworkSubnetId").GetValue<string>()));
    }

    [Fact]
    public void The_audit_log_has_its_own_account_under_a_locked_immutability_policy_with_appends_allowed()
    {
        var audit = Assert.Single(Resources("Microsoft.Storage/storageAccounts"), a => a["properties"]!["immutableStorageWithVersioning"] is not null);
        Assert.True(P(audit, "immutableStorageWithVersioning.enabled").GetValue<bool>());
        Assert.Equal("Locked", P(audit, "immutableStorageWithVersioning.immutabilityPolicy.state").GetValue<string>());
        Assert.True(P(audit, "immutableStorageWithVersioning.immutabilityPolicy.allowProtectedAppendWrites").GetValue<bool>());
        Assert.Contains("immutabilityDays", P(audit, "immutableStorageWithVersioning.immutabilityPolicy.immutabilityPeriodSinceCreationInDays").ToJsonString());
        Assert.Contains(Resources("Microsoft.Storage/storageAccounts/blobServices/containers"), c => c["name"]!.GetValue<string>().Contains("'audit'"));
        Assert.Empty(Resources("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies")); // no unlocked container policy
        Assert.Contains("Storage__AuditAccountName", P(Assert.Single(Resources("Microsoft.Web/sites")), "siteConfig.appSettings").ToJsonString());
    }

    [Fact]
    public void Storage_key_vault_and_both_apps_send_diagnostics_to_log_analytics()
    {
        var settings = Resources("Microsoft.Insights/diagnosticSettings");
        Assert.All(settings, d => Assert.Contains("workspaceId", P(d, "workspaceId").ToJsonString()));
        var scopes = settings.Select(d => d["scope"]!.GetValue<string>()).ToList();
        foreach (var service in new[] { "blobServices", "queueServices", "tableServices", "Microsoft.KeyVault/vaults", "Microsoft.Web/sites" })
            Assert.Contains(scopes, sc => sc.Contains(service));
        Assert.Equal("[variables('logs')]", P(settings.First(d => d["scope"]!.GetValue<string>().Contains("blobServices")), "logs").GetValue<string>());
        var storageLogs = Module("storage-diagnostics-data")["properties"]!["template"]!["variables"]!["logs"]!.AsArray();
        Assert.Equal(["StorageDelete", "StorageRead", "StorageWrite"], storageLogs.Select(l => l!["category"]!.GetValue<string>()).Order());
        Assert.Contains("audit", P(settings.Single(d => d["scope"]!.GetValue<string>().Contains("KeyVault")), "logs").ToJsonString());
        Assert.Contains("FunctionAppLogs", P(settings.Single(d => d["scope"]!.GetValue<string>().Contains("Web/sites")), "logs").ToJsonString());
        // The storage diagnostics module runs for each of the three accounts (data with queues and tables).
        Assert.Equal(3, Resources("Microsoft.Resources/deployments").Count(d => d["name"]!.ToJsonString().Contains("storage-diagnostics")));
    }

    [Fact]
    public void Key_vault_uses_rbac_soft_delete_and_purge_protection()
    {
        var vault = Assert.Single(Resources("Microsoft.KeyVault/vaults"));
        Assert.True(P(vault, "enableRbacAuthorization").GetValue<bool>());
        Assert.True(P(vault, "enableSoftDelete").GetValue<bool>());
        Assert.True(P(vault, "enablePurgeProtection").GetValue<bool>());
        Assert.Equal(["envelope-key", "pseudonym-key"], Resources("Microsoft.KeyVault/vaults/secrets").Select(s => s["name"]!.GetValue<string>()).Select(n => n.Contains("envelope") ? "envelope-key" : "pseudonym-key").Order());
    }

    [Fact]
    public void Pipeline_and_review_ui_have_separate_identities_with_only_their_own_roles()
    {
        var identities = Resources("Microsoft.ManagedIdentity/userAssignedIdentities").Select(i => i["name"]!.GetValue<string>()).ToList();
        Assert.Equal(2, identities.Count);
        Assert.Contains(identities, n => n.Contains("pipeline-id"));
        Assert.Contains(identities, n => n.Contains("review-id"));
        var roles = Module("roles");
        Assert.Contains("outputs.pipelinePrincipalId", roles["properties"]!["parameters"]!["pipelinePrincipalId"]!.ToJsonString());
        Assert.Contains("outputs.reviewPrincipalId", roles["properties"]!["parameters"]!["reviewPrincipalId"]!.ToJsonString());
        foreach (var r in Resources("Microsoft.Authorization/roleAssignments"))
        {
            Assert.Equal("ServicePrincipal", P(r, "principalType").GetValue<string>());
            Assert.NotNull(r["scope"]); // never the resource group or subscription
        }
        // The review UI: never the raw extracts, the quarantine, the intake queue or the ingest index; readers where it only reads.
        var template = roles["properties"]!["template"]!["variables"]!;
        var containers = template["containers"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        var tables = template["tables"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        var reviewContainers = template["reviewContainers"]!.AsArray().Select(x => containers[x!["index"]!.GetValue<int>()]).ToList();
        var reviewTables = template["reviewTables"]!.AsArray().Select(x => tables[x!["index"]!.GetValue<int>()]).ToList();
        Assert.Equal(["lineage", "runs", "snapshots"], reviewContainers.Order());
        Assert.DoesNotContain("ingests", reviewTables);
        var reviewQueue = Assert.Single(Resources("Microsoft.Authorization/roleAssignments"), a => P(a, "principalId").GetValue<string>() == "[parameters('reviewPrincipalId')]" && a["copy"] is null);
        Assert.Contains("queueDataReader", P(reviewQueue, "roleDefinitionId").GetValue<string>());
        Assert.Contains("[3]", reviewQueue["scope"]!.GetValue<string>()); // phase1-intake-poison
        Assert.Equal("phase1-intake-poison", template["queues"]![3]!.GetValue<string>());
        // Event Grid: its system identity may only send to extract-arrivals.
        var delivery = Assert.Single(Resources("Microsoft.Authorization/roleAssignments"), a => P(a, "principalId").GetValue<string>().Contains("EventGrid/systemTopics"));
        Assert.Contains("queueMessageSender", P(delivery, "roleDefinitionId").GetValue<string>());
        Assert.Contains("'extract-arrivals'", delivery["scope"]!.GetValue<string>());
    }

    [Fact]
    public void Function_apps_are_https_only_custom_handlers_with_identity_and_authentication()
    {
        var app = Assert.Single(Resources("Microsoft.Web/sites")); // one module, deployed for the pipeline and the review UI
        Assert.Equal("[length(createArray('pipeline', 'review'))]", Module("functionapp")["copy"]!["count"]!.GetValue<string>());
        Assert.True(P(app, "httpsOnly").GetValue<bool>());
        Assert.Equal("1.2", P(app, "siteConfig.minTlsVersion").GetValue<string>());
        Assert.Equal("Disabled", P(app, "siteConfig.ftpsState").GetValue<string>());
        Assert.Equal("custom", P(app, "functionAppConfig.runtime.name").GetValue<string>());
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("[if(equals(parameters('part'), 'pipeline'), 'Disabled', 'Enabled')]", P(app, "publicNetworkAccess").GetValue<string>());
        var settings = P(app, "siteConfig.appSettings").ToJsonString();
        Assert.Contains("AzureWebJobsStorage__credential", settings);
        Assert.Contains(".Disabled", settings); // each app disables the other part's functions
        Assert.DoesNotContain("\"AzureWebJobsStorage\"", settings); // no connection string with a key
        var plan = Assert.Single(Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());

        var auth = Assert.Single(Resources("Microsoft.Web/sites/config"));
        Assert.True(P(auth, "platform.enabled").GetValue<bool>());
        Assert.True(P(auth, "globalValidation.requireAuthentication").GetValue<bool>());
        Assert.True(P(auth, "identityProviders.azureActiveDirectory.enabled").GetValue<bool>());
        Assert.Contains("createArray('pipeline', 'review')[1]", Module("auth")["properties"]!["parameters"]!["appName"]!["value"]!.GetValue<string>());
        Assert.True(P(Assert.Single(Resources("Microsoft.Insights/components")), "DisableLocalAuth").GetValue<bool>());
    }

    [Fact]
    public void Event_grid_turns_blob_created_under_extracts_into_arrival_messages()
    {
        var sub = Assert.Single(Resources("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        Assert.Equal(["Microsoft.Storage.BlobCreated"], P(sub, "filter.includedEventTypes").AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("/blobServices/default/containers/extracts/blobs/", P(sub, "filter.subjectBeginsWith").GetValue<string>());
        Assert.Equal("SystemAssigned", P(sub, "deliveryWithResourceIdentity.identity.type").GetValue<string>());
        Assert.Equal("StorageQueue", P(sub, "deliveryWithResourceIdentity.destination.endpointType").GetValue<string>());
    }

    [Fact]
    public void Package_has_the_custom_handler_layout()
    {
        var zipPath = Path.Combine(Path.GetTempPath(), $"sp-package-{Guid.NewGuid():N}.zip");
        try
        {
            var (code, output) = Run("dotnet", "run", "--project", Path.Combine(Root, "infra", "package"), "-c", "Release", "--", "--out", zipPath);
            Assert.True(code == 0, output);
            using var zip = ZipFile.OpenRead(zipPath);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            var host = JsonNode.Parse(new StreamReader(zip.GetEntry("host.json")!.Open()).ReadToEnd())!;
            var exe = host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>();
            Assert.Contains(exe, names);
            Assert.Equal(0b111_101_101, (zip.GetEntry(exe)!.ExternalAttributes >> 16) & 0x1FF);
            Assert.Equal("serve", host["customHandler"]!["description"]!["arguments"]![0]!.GetValue<string>());
            foreach (var function in new[] { "IngestExtract", "NightlyRun", "IntakeSignal", "Review", "Retention" })
                Assert.Contains($"{function}/function.json", names);
            Assert.Contains("config/dpia-register.json", names);
            Assert.Contains("libcoreclr.so", names); // self-contained: no runtime needed on the host
            Assert.DoesNotContain(names, n => n.EndsWith(".pdb") || n.StartsWith("obj/") || n.Contains("local.settings"));
        }
        finally { File.Delete(zipPath); }
    }
}
