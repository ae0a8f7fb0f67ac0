using System.Net;
using System.Net.Sockets;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integrity;

/// <summary>Keys and storage: a missing, unreadable or different key, or storage that cannot be reached, stops every
/// verb that needs it with exit 3 and one line that says what to do; nothing is created or mixed.</summary>
public sealed class KeyAndStorageFaultTests
{
    [Fact]
    public async Task A_deleted_development_key_is_never_recreated_once_snapshots_exist()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1);
        await p.Nightly(1);
        var keyFile = p.Settings["SignalPipeline:DevKeyFile"]!;
        var original = await File.ReadAllTextAsync(keyFile);
        File.Delete(keyFile);

        foreach (var args in new[] { new[] { "ingest", Nights.Write(Path.Combine(p.Dir.Path, "x"), 2) }, ["nightly", "--date", Nights.DateText(2)] })
        {
            var r = await p.Cli(args);
            Assert.True(r.Code == 3, $"{args[0]}: {r.Out}{r.Err}");
            Assert.Contains("is missing, but snapshots made with it exist", r.Err);
            Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("refused:"));
            Assert.DoesNotContain("   at ", r.Err);
            Assert.False(File.Exists(keyFile), "a new key must not be created");
        }
        // Nothing was ingested while the key was missing; with the key restored, the same work goes through.
        var latest = await new SnapshotStore(new StorageClients(p.Azurite.ConnectionString, null)).LatestAsync("brp", Nights.Date(2));
        Assert.Equal(Nights.DateText(1), latest!.Date);
        await File.WriteAllTextAsync(keyFile, original);
        await p.Ingest(2);
        await p.Nightly(2);
    }

    [Fact]
    public async Task A_replaced_key_under_the_same_version_is_refused()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1);
        await p.Nightly(1);
        var keyFile = p.Settings["SignalPipeline:DevKeyFile"]!;
        var before = await p.RegisterContents();
        var fresh = System.Text.Json.JsonSerializer.Serialize(new
        {
            PseudonymKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), PseudonymKeyVersion = "dev-1",
            EnvelopeKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), EnvelopeKeyVersion = "dev-1",
        });
        await File.WriteAllTextAsync(keyFile, fresh);
        var ingest = await p.Cli("ingest", Nights.Write(Path.Combine(p.Dir.Path, "x"), 2));
        Assert.Equal(3, ingest.Code);
        Assert.Contains("is not the key the existing snapshots were made with", ingest.Err);
        var nightly = await p.Cli("nightly", "--date", Nights.DateText(1));
        Assert.Equal(3, nightly.Code);
        // Unreadable is refused too, without echoing the file.
        await File.WriteAllTextAsync(keyFile, "{ not json");
        var unreadable = await p.Cli("nightly", "--date", Nights.DateText(1));
        Assert.Equal(3, unreadable.Code);
        Assert.Contains("cannot be read", unreadable.Err);
        Assert.Equal(before, await p.RegisterContents()); // nothing changed in the register
    }

    [Fact]
    public async Task A_snapshot_made_under_another_key_is_never_compared()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1);
        // Simulate a snapshot from another key: its manifest carries another fingerprint.
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var snapshots = new SnapshotStore(storage);
        var m = (await snapshots.LatestAsync("bag", Nights.Date(1)))!;
        await storage.Container(StorageClients.Snapshots).GetBlobClient($"bag/{m.Date}/{m.SnapshotId}/manifest.json")
            .UploadAsync(BinaryData.FromString(SignalPipeline.Functions.Configuration.Json.Serialize(m with { PseudonymKeyFingerprint = "0000000000000000" })), overwrite: true);
        var r = await p.Cli("nightly", "--date", Nights.DateText(1));
        Assert.Equal(3, r.Code);
        Assert.Contains($"snapshot {m.SnapshotId} was made under another pseudonymisation key", r.Err);
        Assert.Empty(await new RunStore(storage).ListAsync());
    }

    [Fact]
    public async Task Unreachable_storage_exits_3_with_one_line()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start(); var port = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop(); // nothing listens there now
        using var dir = new TempDir();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = AzuriteLauncher.ConnectionStringFor(port),
            ["SignalPipeline:LocalDir"] = dir.Path,
        };
        foreach (var args in new[] { new[] { "nightly", "--date", "2026-03-02" }, ["signals", "list"], ["retention"] })
        {
            var o = new StringWriter(); var e = new StringWriter();
            var code = await Functions.Cli.CliApp.RunAsync(args, o, e, settings);
            Assert.True(code == 3, $"{args[0]}: {code} {e}");
            var lines = e.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("refused: the storage account could not be reached", lines[0]);
            Assert.DoesNotContain("AccountKey", lines[0]);
        }
    }

    [Fact]
    public async Task Local_Azurite_started_by_one_command_keeps_everything_for_the_next()
    {
        // No storage configured: each command starts the project's Azurite on 10000-10002 and stops it when done.
        if (AzuriteLauncher.Listening(10000)) return; // someone else's Azurite is serving there; nothing to show
        using var dir = new TempDir();
        var settings = new Dictionary<string, string?> { ["SignalPipeline:LocalDir"] = dir.Path };
        async Task<(int Code, string Out)> Run(params string[] args)
        {
            var o = new StringWriter(); var e = new StringWriter();
            var code = await Functions.Cli.CliApp.RunAsync(args, o, e, settings);
            return (code, o + e.ToString());
        }
        Assert.Equal(0, (await Run("ingest", Nights.Write(dir.File("x"), 1))).Code);
        Assert.False(AzuriteLauncher.Listening(10000), "the command stops the Azurite it started");
        var nightly = await Run("nightly", "--date", Nights.DateText(1));
        Assert.True(nightly.Code == 0, nightly.Out);
        Assert.Contains("model OVB 2.0.0: ran; new", nightly.Out);
        var list = await Run("signals", "list");
        Assert.Equal(Enumerable.Range(0, Nights.Dwellings).Count(i => Nights.Residents(i, 1) >= 4), list.Out.Split('\n').Count(l => l.StartsWith("{\"signal_id\"")));
    }
}
