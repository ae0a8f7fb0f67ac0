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
    static readonly string Root = Functions.PipelineSettings.FindProjectRoot();
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

    [Fact]
    public void Storage_has_no_shared_keys_tls12_https_only_and_no_public_blobs()
    {
        var accounts = Resources("Microsoft.Storage/storageAccounts");
        Assert.Equal(2, accounts.Count);
        foreach (var a in accounts)
        {
            Assert.False(P(a, "allowSharedKeyAccess").GetValue<bool>());
            Assert.False(P(a, "allowBlobPublicAccess").GetValue<bool>());
            Assert.Equal("TLS1_2", P(a, "minimumTlsVersion").GetValue<string>());
            Assert.True(P(a, "supportsHttpsTrafficOnly").GetValue<bool>());
        }
    }

    [Fact]
    public void Audit_container_is_immutable_with_appends_allowed()
    {
        var policy = Assert.Single(Resources("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"));
        Assert.Contains("'audit'", policy["name"]!.GetValue<string>());
        Assert.True(P(policy, "allowProtectedAppendWrites").GetValue<bool>());
        Assert.Contains("auditImmutabilityDays", P(policy, "immutabilityPeriodSinceCreationInDays").ToJsonString());
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
    public void Role_assignments_go_only_to_the_managed_identities_and_are_scoped_below_the_account()
    {
        var assignments = Resources("Microsoft.Authorization/roleAssignments");
        Assert.Equal(7, assignments.Count); // containers, queues, tables, secrets (copy loops), host, metrics, Event Grid
        foreach (var r in assignments)
        {
            Assert.Contains(P(r, "principalId").GetValue<string>(), new[] { "[parameters('appPrincipalId')]", "[parameters('deliveryPrincipalId')]" });
            Assert.Equal("ServicePrincipal", P(r, "principalType").GetValue<string>());
            Assert.NotNull(r["scope"]); // never the resource group or subscription
        }
        // ... and those parameters are fed from the identity module's outputs.
        var roles = Resources("Microsoft.Resources/deployments").Single(d => d["name"]?.GetValue<string>() == "roles");
        Assert.Contains("outputs.appPrincipalId", roles["properties"]!["parameters"]!["appPrincipalId"]!.ToJsonString());
        Assert.Contains("outputs.deliveryPrincipalId", roles["properties"]!["parameters"]!["deliveryPrincipalId"]!.ToJsonString());
        var delivery = assignments.Single(r => P(r, "principalId").GetValue<string>().Contains("delivery"));
        Assert.Contains("variables('roles').queueMessageSender", P(delivery, "roleDefinitionId").GetValue<string>());
        Assert.Equal("c6a89b2d-59bc-44d0-9896-0f6e12d7b80a", // Storage Queue Data Message Sender, nothing more
            roles["properties"]!["template"]!["variables"]!["roles"]!["queueMessageSender"]!.GetValue<string>());
    }

    [Fact]
    public void Function_app_is_https_only_custom_handler_with_identity_and_authentication()
    {
        var app = Assert.Single(Resources("Microsoft.Web/sites"));
        Assert.True(P(app, "httpsOnly").GetValue<bool>());
        Assert.Equal("1.2", P(app, "siteConfig.minTlsVersion").GetValue<string>());
        Assert.Equal("Disabled", P(app, "siteConfig.ftpsState").GetValue<string>());
        Assert.Equal("custom", P(app, "functionAppConfig.runtime.name").GetValue<string>());
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
        var settings = P(app, "siteConfig.appSettings").AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("AzureWebJobsStorage__credential", settings);
        Assert.DoesNotContain("AzureWebJobsStorage", settings); // no connection string with a key
        var plan = Assert.Single(Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());

        var auth = Assert.Single(Resources("Microsoft.Web/sites/config"));
        Assert.True(P(auth, "platform.enabled").GetValue<bool>());
        Assert.True(P(auth, "globalValidation.requireAuthentication").GetValue<bool>());
        Assert.True(P(auth, "identityProviders.azureActiveDirectory.enabled").GetValue<bool>());
        Assert.True(P(Assert.Single(Resources("Microsoft.Insights/components")), "DisableLocalAuth").GetValue<bool>());
    }

    [Fact]
    public void Event_grid_turns_blob_created_under_extracts_into_arrival_messages()
    {
        var sub = Assert.Single(Resources("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        Assert.Equal(["Microsoft.Storage.BlobCreated"], P(sub, "filter.includedEventTypes").AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("/blobServices/default/containers/extracts/blobs/", P(sub, "filter.subjectBeginsWith").GetValue<string>());
        Assert.Equal("extract-arrivals", P(sub, "deliveryWithResourceIdentity.destination.properties.queueName").GetValue<string>());
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
