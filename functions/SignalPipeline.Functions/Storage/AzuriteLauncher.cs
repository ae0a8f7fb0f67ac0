using System.Diagnostics;
using System.Net.Sockets;

namespace SignalPipeline.Functions.Storage;

/// <summary>Starts the project's own Azurite (node_modules, installed by the project's scripts) on loopback when no
/// storage is configured and nothing listens yet, and stops it by its PID.</summary>
public sealed class AzuriteLauncher : IDisposable
{
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    Process? process;

    public int BlobPort { get; }
    public string ConnectionString => ConnectionStringFor(BlobPort);
    public int? Pid => process?.Id;

    public AzuriteLauncher(int blobPort = 10000) => BlobPort = blobPort;

    public static string ConnectionStringFor(int blobPort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{blobPort + 1}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{blobPort + 2}/devstoreaccount1;";

    /// <summary>Returns true when this call started Azurite, false when one was already listening.</summary>
    public bool EnsureRunning(string projectRoot, string dataDir, TextWriter log)
    {
        if (Listening(BlobPort) && Listening(BlobPort + 1) && Listening(BlobPort + 2)) return false;
        var script = Path.Combine(projectRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
            throw new InvalidOperationException($"Azurite is not installed at {script}. Run 'npm ci' in {projectRoot} (the README's commands do this).");
        Directory.CreateDirectory(dataDir);
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--location", dataDir,
                "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", (BlobPort + 1).ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", (BlobPort + 2).ToString(),
            },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // In a session of its own: when the command that started it is killed together with its process group (a
        // crash, a timeout), Azurite lives on with everything it holds, and the next command finds it listening.
        // setsid execs node in place, so the PID stays Azurite's and stopping it by PID still works.
        if (!OperatingSystem.IsWindows() && File.Exists("/usr/bin/setsid"))
        {
            psi.ArgumentList.Insert(0, psi.FileName);
            psi.FileName = "/usr/bin/setsid";
        }
        process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Listening(BlobPort) && Listening(BlobPort + 1) && Listening(BlobPort + 2)))
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode}.");
            if (DateTime.UtcNow > deadline) { Dispose(); throw new InvalidOperationException("Azurite did not listen within 30 s."); }
            Thread.Sleep(100);
        }
        // The ports may answer for another Azurite that took them first, while ours is about to exit on EADDRINUSE.
        Thread.Sleep(300);
        if (process.HasExited) throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode}: its ports were taken.");
        log.WriteLine($"Azurite started (PID {process.Id}) on 127.0.0.1:{BlobPort}-{BlobPort + 2}, data in {dataDir}");
        return true;
    }

    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromMilliseconds(300)) && client.Connected;
        }
        catch { return false; }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    /// <summary>Stops Azurite by its PID: SIGTERM first, so it writes its metadata to disk (a SIGKILL loses what its
    /// database had not saved yet — the next command would find half a storage account), then SIGKILL if it hangs.</summary>
    public void Dispose()
    {
        if (process is { HasExited: false })
        {
            if (!OperatingSystem.IsWindows() && kill(process.Id, 15) == 0 && process.WaitForExit(15_000)) { }
            else { process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
        }
        process?.Dispose();
        process = null;
    }
}
