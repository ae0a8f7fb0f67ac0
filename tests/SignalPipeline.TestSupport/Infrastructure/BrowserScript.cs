using System.Diagnostics;
using System.Text.Json;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>Runs a playwright-core script of tests/browser/ in headless Debian chromium against a running program;
/// the script prints one JSON line with what it saw. Screenshots land in artifacts/screenshots/.</summary>
public static class BrowserScript
{
    /// <param name="args">Further arguments for the script, after the base URL and the screenshot folder.</param>
    public static async Task<JsonElement> RunAsync(ProgramProcess program, string script, params string[] args)
    {
        var root = SignalPipeline.Functions.Configuration.PipelineSettings.FindProjectRoot();
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(root, "tests", "browser", script), program.BaseAddress.ToString().TrimEnd('/'), Path.Combine(root, "artifacts", "screenshots") },
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromSeconds(120))) { node.Kill(true); Assert.Fail($"{script} did not finish in 120 s"); }
        Assert.True(node.ExitCode == 0, await stderr + program.Output);
        return JsonDocument.Parse((await stdout).Trim().Split('\n').Last()).RootElement;
    }
}
