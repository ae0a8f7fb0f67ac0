using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>The real built program, started the way the Functions host starts a custom handler:
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set, no arguments. Stopped by its PID.</summary>
public sealed class ProgramProcess : IDisposable
{
    readonly Process process;
    readonly System.Text.StringBuilder output = new();
    public int Port { get; }
    /// <summary>What the program printed so far (for failure messages).</summary>
    public string Output { get { lock (output) return output.ToString(); } }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <param name="appServiceAuth">Play App Service with authentication on (<c>WEBSITE_AUTH_ENABLED=True</c>): the
    /// principal header is then trusted, as the platform strips a client's own.</param>
    /// <param name="devSignIn">Development sign-in, in the Development environment.</param>
    public ProgramProcess(IReadOnlyDictionary<string, string?> settings, bool devSignIn = false, bool appServiceAuth = true, bool underHost = true, IReadOnlyDictionary<string, string>? env = null)
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start(); Port = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop();
        var psi = new ProcessStartInfo("dotnet") { ArgumentList = { ProgramDll() }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (underHost) psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = Port.ToString();
        else { psi.ArgumentList.Add("serve"); psi.ArgumentList.Add("--urls"); psi.ArgumentList.Add($"http://127.0.0.1:{Port}"); }
        foreach (var (k, v) in settings) psi.Environment[k.Replace(":", "__")] = v;
        if (devSignIn) { psi.Environment["Review__DevSignIn"] = "true"; psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; }
        if (appServiceAuth) psi.Environment["WEBSITE_AUTH_ENABLED"] = "True";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine(); process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!AzuriteLauncher.Listening(Port))
        {
            if (process.HasExited) throw new InvalidOperationException($"the program exited with {process.ExitCode}");
            if (DateTime.UtcNow > deadline) { Dispose(); throw new TimeoutException("the program did not listen within 60 s"); }
            Thread.Sleep(100);
        }
    }

    /// <summary>functions/SignalPipeline.Functions/bin/{Configuration}/net10.0/signalpipeline.dll, built with the tests.</summary>
    public static string ProgramDll()
    {
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../bin/{Configuration}/net10.0/
        var root = SignalPipeline.Functions.Configuration.PipelineSettings.FindProjectRoot();
        var dll = Path.Combine(root, "functions", "SignalPipeline.Functions", "bin", config, "net10.0", "signalpipeline.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the functions project first", dll);
    }

    public void Dispose()
    {
        if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
        process.Dispose();
    }
}
