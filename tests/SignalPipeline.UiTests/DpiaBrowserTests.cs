using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The DPIA reviewer's pages in headless Debian chromium (tests/browser/dpia-*.mjs): register versions with who
/// proposed and who approved, the four-eyes refusal, quality per model version against the control sample, and a
/// suspension that takes the model's candidates off the coordinator's list in the running program.</summary>
public sealed class DpiaBrowserTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();

    [Fact]
    public async Task Reviewers_approve_with_four_eyes_read_quality_against_the_control_sample_and_suspend_a_model()
    {
        var settings = azurite.Settings(dir.Path);
        using var program = await DemoProgram.StartAsync(settings, "2026-11-03");
        var shots = Path.Combine(azurite.ProjectRoot, "artifacts", "screenshots");

        // The packaged register with the control sample approved: proposed by anna, approved by bram.
        var proposal = Path.Combine(dir.Path, "register-ctl.json");
        await File.WriteAllTextAsync(proposal, Regex.Replace(await File.ReadAllTextAsync(Path.Combine(azurite.ProjectRoot, "functions", "SignalPipeline.Functions", "config", "dpia-register.json")),
            @"(""id"": ""CTL"",\s*""version"": ""1.0.0"",\s*""status"": )""experimental""", "$1\"approved\"").Replace("demo-2026.2", "demo-2026.3"));
        var life = await BrowserScript.RunAsync(program, "dpia-lifecycle.mjs", proposal);
        Assert.Contains("demo-2026.2#1", life.GetProperty("inForceBefore").GetString());
        Assert.Equal(1, life.GetProperty("proposedRows").GetInt32());
        Assert.StartsWith("anna", life.GetProperty("proposedBy").GetString());
        Assert.Equal(403, life.GetProperty("ownApprovalStatus").GetInt32());
        Assert.Contains("four eyes", life.GetProperty("ownApprovalText").GetString());
        Assert.Equal(1, life.GetProperty("refusalConsole").GetInt32());
        Assert.Equal("approved", life.GetProperty("newestStatus").GetString());
        Assert.StartsWith("bram", life.GetProperty("newestDecidedBy").GetString());
        Assert.Contains("demo-2026.3#2", life.GetProperty("inForceAfter").GetString());
        Assert.Empty(life.GetProperty("consoleMessages").EnumerateArray());

        // The next night runs the control sample; the coordinator decides (through the register, as the UI does).
        var night = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["nightly", "--date", "2026-11-04"], night, TextWriter.Null, settings));
        Assert.Contains("model CTL 1.0.0: ran; new 3", night.ToString());
        var register = new CandidateRegister(new StorageClients(azurite.ConnectionString, null));
        var all = await register.ListAsync();
        var ovb = all.Where(s => s.Model == "OVB").OrderBy(s => s.SignalId).ToList();
        var ctl = all.Where(s => s.Model == "CTL").OrderBy(s => s.SignalId).ToList();
        Assert.Equal("steekproef", ctl[0].Theme);
        // OVB: two doorgezet, one onterecht, one still open (it is what the suspension takes off the list).
        foreach (var s in ovb.Take(2)) await register.DecideAsync(s.SignalId, ReviewState.Registered, "Doorgezet naar fase 2", "coord");
        await register.DecideAsync(ovb[2].SignalId, ReviewState.Dismissed, "Feiten kloppen niet", "coord", outcome: Outcome.Onterecht);
        await register.DecideAsync(ctl[0].SignalId, ReviewState.Registered, "Ook hier iets aan de hand", "coord");
        foreach (var s in ctl.Skip(1)) await register.DecideAsync(s.SignalId, ReviewState.Dismissed, "Niets bijzonders gevonden", "coord", outcome: Outcome.Onterecht);

        var q = await BrowserScript.RunAsync(program, "dpia-quality.mjs");
        Assert.Equal("67%", q.GetProperty("ovbPrecision").GetString());       // 2 of 3 doorgezet
        Assert.Equal("2,00", q.GetProperty("ovbLift").GetString());           // 0.67 / (1 of 3)
        Assert.Equal("toevalsniveau", q.GetProperty("ctlRow").GetString());
        Assert.Contains("1 van 3 willekeurig getrokken objecten doorgezet", q.GetProperty("ctlText").GetString());
        Assert.Contains("gelijk", q.GetProperty("codeHash").GetString());
        Assert.Equal(1, q.GetProperty("suspensions").GetInt32());
        Assert.Contains("geschorst", q.GetProperty("inForce").GetString());
        Assert.Contains("1 open kandidaten van geschorste modellen (OVB)", q.GetProperty("suspendedNote").GetString());
        Assert.Equal(2, q.GetProperty("ovbLinks").GetInt32()); // the two taken further stay; the open one left the list
        Assert.Contains("Model geschorst", q.GetProperty("signalBanner").GetString());
        Assert.Empty(q.GetProperty("consoleMessages").EnumerateArray());
        foreach (var shot in new[] { "dpia-four-eyes.png", "dpia-versions.png", "dpia-quality.png", "coordinator-suspended.png" })
            Assert.True(new FileInfo(Path.Combine(shots, shot)).Length > 1000, shot);

        // The running program was not restarted; the next run refuses the model and keeps its candidates (carried).
        var after = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["nightly", "--date", "2026-11-05"], after, TextWriter.Null, settings));
        Assert.Contains("model OVB 2.0.0: refused — model OVB is suspended in the DPIA register", after.ToString());
        Assert.All((await register.ListAsync()).Where(s => s.Model == "OVB"), s => Assert.True(s.Raised));
    }

    public void Dispose() => dir.Dispose();
}
