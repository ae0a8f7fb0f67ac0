using System.Net;
using System.Net.Sockets;
using SignalPipeline.Functions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>The project's own Azurite (node_modules), on free loopback ports, in memory; stopped by its PID.</summary>
public sealed class AzuriteFixture : IDisposable
{
    readonly AzuriteLauncher launcher;
    public string ConnectionString => launcher.ConnectionString;
    public string ProjectRoot { get; } = PipelineSettings.FindProjectRoot();
    /// <summary>One development key per storage account, as in a real deployment: every test on this Azurite shares it.</summary>
    public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), "sp-keys-" + Guid.NewGuid().ToString("N"), "dev-keys.json");

    public AzuriteFixture()
    {
        launcher = new AzuriteLauncher(FreePortTriple());
        var data = Path.Combine(Path.GetTempPath(), "sp-azurite-" + Guid.NewGuid().ToString("N"));
        if (!launcher.EnsureRunning(ProjectRoot, data, TextWriter.Null))
            throw new InvalidOperationException("expected to start a fresh Azurite on free ports");
    }

    /// <summary>Settings for one test: its own account would be ideal, but Azurite has one; tests use distinct dates and
    /// a fresh territory-independent layout, and read only what they wrote.</summary>
    public Dictionary<string, string?> Settings(string localDir) => new()
    {
        ["Storage:ConnectionString"] = ConnectionString,
        ["SignalPipeline:LocalDir"] = localDir,
        ["SignalPipeline:ProjectRoot"] = ProjectRoot,
        ["SignalPipeline:DevKeyFile"] = KeyFile,
    };

    static int FreePortTriple()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var p = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            if (p < 65000 && !AzuriteLauncher.Listening(p + 1) && !AzuriteLauncher.Listening(p + 2)) return p;
        }
        throw new InvalidOperationException("no free ports");
    }

    public void Dispose()
    {
        launcher.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(KeyFile)!, true); } catch (DirectoryNotFoundException) { }
    }
}
