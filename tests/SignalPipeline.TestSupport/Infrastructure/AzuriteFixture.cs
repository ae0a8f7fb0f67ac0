using System.Net;
using System.Net.Sockets;
using SignalPipeline.Functions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>The project's own Azurite (node_modules), on free loopback ports, with a fresh data folder; stopped by its PID.</summary>
public sealed class AzuriteFixture : IDisposable
{
    readonly AzuriteLauncher launcher;
    public string ConnectionString => launcher.ConnectionString;
    public string ProjectRoot { get; } = PipelineSettings.FindProjectRoot();
    /// <summary>One development key per storage account, as in a real deployment: every test on this Azurite shares it.</summary>
    public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), "sp-keys-" + Guid.NewGuid().ToString("N"), "dev-keys.json");

    public AzuriteFixture()
    {
        var data = Path.Combine(Path.GetTempPath(), "sp-azurite-" + Guid.NewGuid().ToString("N"));
        // Test projects and classes run in parallel: a port found free can be taken before Azurite binds it (Azurite
        // then exits at start), or another fixture's Azurite may already listen there. Either way: other ports.
        for (var attempt = 1; ; attempt++)
        {
            var candidate = new AzuriteLauncher(FreePortTriple());
            try
            {
                if (candidate.EnsureRunning(ProjectRoot, data, TextWriter.Null)) { launcher = candidate; return; }
            }
            catch (InvalidOperationException) when (attempt < 8) { }
            candidate.Dispose();
            if (attempt >= 8) throw new InvalidOperationException("could not start a fresh Azurite on free ports in 8 attempts");
        }
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

    /// <summary>Ports handed out in this process: two fixtures starting at once must never get the same triple (the
    /// second Azurite would fail to bind while the first one's ports already answer, and the two tests would share one).</summary>
    static readonly HashSet<int> HandedOut = [];

    static int FreePortTriple()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var p = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            if (p >= 65000 || AzuriteLauncher.Listening(p + 1) || AzuriteLauncher.Listening(p + 2)) continue;
            lock (HandedOut)
                if (!HandedOut.Contains(p) && !HandedOut.Contains(p + 1) && !HandedOut.Contains(p + 2) && !HandedOut.Contains(p - 1) && !HandedOut.Contains(p - 2))
                {
                    HandedOut.Add(p);
                    return p;
                }
        }
        throw new InvalidOperationException("no free ports");
    }

    public void Dispose()
    {
        launcher.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(KeyFile)!, true); } catch (DirectoryNotFoundException) { }
    }
}
