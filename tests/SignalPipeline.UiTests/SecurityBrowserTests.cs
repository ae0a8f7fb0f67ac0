using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Security;

/// <summary>The review UI under attack in headless Chromium (tests/browser/security-smoke.mjs).</summary>
public sealed class SecurityBrowserTests
{
    [Fact]
    public async Task Hostile_text_stays_text_dismissal_is_confirmed_and_shadow_evidence_is_the_reviewers_only()
    {
        using var p = new PipelineUnderTest();
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-08")).Code);
        using var program = new ProgramProcess(p.Settings, devSignIn: true);
        var r = await BrowserScript.RunAsync(program, "security-smoke.mjs");
        Assert.Contains("default-src 'none'", r.GetProperty("csp").GetString());
        Assert.Contains("<b>mallory</b>", r.GetProperty("userShown").GetString()); // shown as text, not markup
        Assert.Contains("afwijzen?", r.GetProperty("confirmHeading").GetString());
        Assert.True(r.GetProperty("confirmShowsText").GetBoolean());
        Assert.Equal("kandidaat", r.GetProperty("statusBeforeConfirm").GetString());
        Assert.Equal("afgewezen", r.GetProperty("statusAfterConfirm").GetString());
        Assert.True(r.GetProperty("historyShowsText").GetBoolean());
        Assert.Equal(0, r.GetProperty("injectedImages").GetInt32());
        Assert.Equal(0, r.GetProperty("injectedScripts").GetInt32());
        Assert.Equal(0, r.GetProperty("dialogs").GetInt32());
        Assert.Equal(0, r.GetProperty("coordinatorShadowOnRunPage").GetInt32());
        Assert.Equal(403, r.GetProperty("coordinatorShadowStatus").GetInt32());
        Assert.Equal(200, r.GetProperty("reviewerShadowStatus").GetInt32());
        Assert.True(r.GetProperty("reviewerShadowModels").GetInt32() >= 1);
    }
}
