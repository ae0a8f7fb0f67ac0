using System.Diagnostics;
using System.Text.Json;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The review UI in headless Debian chromium (playwright-core, tests/browser/review-smoke.mjs): sign in as
/// coordinator, filter, open a signal, read its explanation, reveal with a reason, register it; a dpia-reviewer gets 403. Screenshots land in
/// artifacts/screenshots/.</summary>
public sealed class ReviewUiBrowserTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();

    [Fact]
    public async Task Coordinator_filters_opens_and_reads_a_signal_and_reviewer_is_refused()
    {
        var settings = azurite.Settings(dir.Path);
        using var program = await DemoProgram.StartAsync(settings, "2026-11-03");
        var shots = Path.Combine(azurite.ProjectRoot, "artifacts", "screenshots");
        var r = await BrowserScript.RunAsync(program, "review-smoke.mjs");
        Assert.Equal(401, r.GetProperty("anonymousStatus").GetInt32());
        Assert.Contains("ONTWIKKELMODUS", r.GetProperty("devBanner").GetString());
        Assert.Contains("model=OVB", r.GetProperty("listUrl").GetString());
        Assert.Equal(4, r.GetProperty("rows").GetInt32());
        Assert.Matches(@"\d+ (volwassen )?ingeschrevenen op \d+ m²: \d+,\d m² per persoon, norm 12", r.GetProperty("explanation").GetString());
        Assert.Equal(4, r.GetProperty("lineageRows").GetInt32());
        Assert.True(r.GetProperty("historyRows").GetInt32() >= 1);
        Assert.Matches(@"^\d{4}[A-Z]{2} \d+", r.GetProperty("revealedAddress").GetString());
        Assert.True(r.GetProperty("residents").GetInt32() >= 1, "an OVB signal reveals the persons registered at the object");
        Assert.Equal(1, r.GetProperty("blockedBefore").GetInt32());
        Assert.Contains("1 kenmerk(en) van ondermijning", r.GetProperty("weighing1").GetString());
        Assert.Contains("2A gemeentelijke taak ja", r.GetProperty("weighing2").GetString());
        Assert.Equal(0, r.GetProperty("blockedAfter").GetInt32());
        Assert.Equal("geregistreerd", r.GetProperty("statusAfterDecision").GetString());
        Assert.Contains("Past in casus woonfraude", r.GetProperty("historyAfterDecision").GetString());
        Assert.Equal(403, r.GetProperty("reviewerStatus").GetInt32());
        Assert.Equal("Geen toegang", r.GetProperty("reviewerText").GetString());
        Assert.Equal(8, r.GetProperty("runModels").GetInt32());
        Assert.Equal(8, r.GetProperty("modelCards").GetInt32());
        Assert.True(new FileInfo(Path.Combine(shots, "review-list.png")).Length > 1000);
        foreach (var shot in new[] { "review-detail.png", "review-reveal.png", "review-registered.png", "reviewer-run.png", "reviewer-models.png" })
            Assert.True(new FileInfo(Path.Combine(shots, shot)).Length > 1000, shot);
    }

    [Fact]
    public async Task On_a_phone_the_coordinator_reads_Dutch_without_stored_keys_or_horizontal_scrolling()
    {
        var settings = azurite.Settings(dir.Path);
        using var program = await DemoProgram.StartAsync(settings, "2026-11-09");
        var r = await BrowserScript.RunAsync(program, "review-mobile.mjs");
        foreach (var page in r.GetProperty("overflow").EnumerateObject())
            Assert.True(page.Value.GetInt32() <= 0, $"{page.Name} overflows 390 px by {page.Value.GetInt32()} px");
        Assert.Empty(r.GetProperty("rawKeys").EnumerateArray());
        Assert.Empty(r.GetProperty("isoDates").EnumerateArray());
        Assert.Empty(r.GetProperty("consoleMessages").EnumerateArray());
        Assert.Matches(@"\d{1,2} november 2026", r.GetProperty("dateShown").GetString());
        Assert.Equal("dd-mm-jjjj", r.GetProperty("dateFieldPlaceholder").GetString());
        var hhc = r.GetProperty("explanationHHC").GetString()!;
        Assert.DoesNotContain("0 handhavingszaken", hhc);
        Assert.DoesNotContain("Waarvan", hhc);
        Assert.Matches(@"\d{1,2} [a-z]+ \d{4}", hhc);
    }

    public void Dispose() => dir.Dispose();
}
