using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Review;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The coordinator's actions over HTTP against the real program: reveal needs a reason and an anti-forgery
/// token, decisions are recorded once, everything is audited once, and hostile text renders inert.</summary>
public sealed class ReviewActionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();

    static HttpClient Client(ProgramProcess program, string role, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = program.BaseAddress,
            DefaultRequestHeaders = { { "X-MS-CLIENT-PRINCIPAL", Principal.Encode("coördinator-test", role) } },
        };

    static async Task<(string Html, string Token)> Detail(HttpClient http, string id)
    {
        var html = await http.GetStringAsync($"/review/signals/{id}");
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return (html, token);
    }

    static FormUrlEncodedContent Form(string token, params (string, string)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))]);

    [Fact]
    public async Task Reveal_and_decide_with_reason_are_audited_once_and_guarded()
    {
        var settings = azurite.Settings(dir.Path);
        Assert.Equal(0, await CliApp.RunAsync(["demo", "--no-serve", "--date", "2026-11-04"], TextWriter.Null, TextWriter.Null, settings));
        using var program = new ProgramProcess(settings);
        var cookies = new CookieContainer();
        using var http = Client(program, Principal.Coordinator, cookies);
        var storage = new StorageClients(azurite.ConnectionString, null);
        // A signal of the demo night (the other test in this class adds a hand-made one with no snapshots behind it).
        var signal = (await new CandidateRegister(storage).ListAsync()).First(c => c.Model == "OVB" && c.FirstRunId.StartsWith("R20261104")).SignalId;
        // Filters: theme, model, reference date.
        static int Links(string page, string model) => Regex.Matches(page, $"href=\"/review/signals/{model}-").Count;
        var adres = await http.GetStringAsync("/review?theme=adresfraude");
        Assert.Equal(2, Links(adres, "ONG"));
        Assert.Equal(0, Links(adres, "OVB"));
        Assert.Equal(2, Links(await http.GetStringAsync("/review?model=HHC"), "HHC"));
        Assert.Contains(">0 signalen", await http.GetStringAsync("/review?from=2026-11-05"));
        Assert.Equal(4, Links(await http.GetStringAsync("/review?model=OVB&from=2026-11-04&to=2026-11-04"), "OVB"));

        var (html, token) = await Detail(http, signal);
        Assert.NotEmpty(token);
        Assert.True((await http.GetAsync($"/review/signals/{signal}")).Headers.CacheControl?.NoStore);

        // Without a token: refused before anything happens.
        var forged = await http.PostAsync($"/review/signals/{signal}/reveal", new FormUrlEncodedContent([new("reason", "Controle op woonsituatie")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // Without a (real) reason: refused.
        var noReason = await http.PostAsync($"/review/signals/{signal}/reveal", Form(token, ("reason", "kijken")));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("minstens 10 tekens", await noReason.Content.ReadAsStringAsync());

        var reveal = await http.PostAsync($"/review/signals/{signal}/reveal", Form(token, ("reason", "Voorbereiding integraal overleg, zaak 2026-17")));
        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        Assert.True(reveal.Headers.CacheControl?.NoStore);
        var revealed = await reveal.Content.ReadAsStringAsync();
        Assert.Matches(@"<td id=""address"">\d{4}[A-Z]{2} \d+", revealed);
        Assert.Matches(@"<td>1771010\d{9}</td>", revealed);

        // OOV staff may read, not decide or reveal (even holding a valid anti-forgery pair).
        using (var oov = Client(program, Principal.Oov, cookies))
        {
            Assert.DoesNotContain("reveal-form", (await Detail(oov, signal)).Html);
            Assert.Equal(HttpStatusCode.Forbidden, (await oov.PostAsync($"/review/signals/{signal}/reveal", Form(token, ("reason", "Voorbereiding integraal overleg")))).StatusCode);
        }

        // Going on needs both weighings of phase 1 first (protocol Fase 1); stopping is always possible.
        var early = await http.PostAsync($"/review/signals/{signal}/decision", Form(token, ("action", "register"), ("reason", "Past in casus woonfraude Mierlo-Hout")));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("eerst de eerste weging", await early.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await http.PostAsync($"/review/signals/{signal}/weging1", Form(token,
            ("indicator", "Vermoeden van strafbare feiten"), ("category", "Mensenhandel, -smokkel en uitbuiting: Verhuurder"), ("indicator", "niet op de lijst")))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.PostAsync($"/review/signals/{signal}/weging2", Form(token, ("task", "ja"), ("territory", "ja"), ("basis", "object"), ("prefilled", "ja")))).StatusCode);
        var weighed = (await new CandidateRegister(storage).GetAsync(signal))!.Phase1!;
        Assert.Equal(["Vermoeden van strafbare feiten"], weighed.First!.Indicators); // what is not on the checklist does not count
        Assert.Equal("bijlage2-2023.1", weighed.First.ChecklistVersion);
        Assert.True(weighed.Second!.Prefilled);
        var decide = await http.PostAsync($"/review/signals/{signal}/decision", Form(token, ("action", "register"), ("reason", "Past in casus woonfraude Mierlo-Hout")));
        Assert.Equal(HttpStatusCode.Redirect, decide.StatusCode);
        var again = await http.PostAsync($"/review/signals/{signal}/decision", Form(token, ("action", "dismiss"), ("reason", "Tweede klik op een oude pagina"), ("outcome", "bekend")));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var (after, _) = await Detail(http, signal);
        Assert.Contains("<td id=\"status\">geregistreerd</td>", after);
        Assert.Contains("Past in casus woonfraude Mierlo-Hout", after); // in the history

        // A data-subject request through the UI: the BSN goes in, is never echoed, and the report comes out.
        var bsn = File.ReadLines(Path.Combine(dir.Path, "demo-extracts", "brp", "2026-11-04", "brp-2026-11-04.csv")).Skip(1).First().Split(';')[0];
        var subjectToken = Regex.Match(await http.GetStringAsync("/review/betrokkene"), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var shown = await http.PostAsync("/review/betrokkene", Form(subjectToken, ("bsn", bsn), ("reason", "Inzageverzoek 2026-040"), ("action", "show")));
        var shownHtml = await shown.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("id=\"subject-rows\"", shownHtml);
        Assert.DoesNotContain(bsn, shownHtml);
        var download = await http.PostAsync("/review/betrokkene", Form(subjectToken, ("bsn", bsn), ("reason", "Inzageverzoek 2026-040"), ("action", "download")));
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        var badBsn = await http.PostAsync("/review/betrokkene", Form(subjectToken, ("bsn", "123456781"), ("reason", "Inzageverzoek 2026-041"), ("action", "show")));
        Assert.Equal(HttpStatusCode.BadRequest, badBsn.StatusCode);
        Assert.DoesNotContain("123456781", await badBsn.Content.ReadAsStringAsync());

        var audit = await new AuditLog(storage).ReadDayAsync(DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Equal(2, audit.Count(a => a.Action == "subject-request" && a.Reason == "Inzageverzoek 2026-040"));
        var mine = audit.Where(a => a.SignalId == signal).ToList();
        Assert.Single(mine, a => a.Action == "reveal" && a.Reason == "Voorbereiding integraal overleg, zaak 2026-17");
        Assert.Single(mine, a => a.Action == "decision" && a.Detail == "geregistreerd");
        Assert.True(mine.Count(a => a.Action == "view") >= 3);
        Assert.DoesNotContain(audit, a => a.Reason == "kijken");
    }

    [Fact]
    public async Task Hostile_text_in_a_signal_renders_inert_and_duplicate_intake_makes_one_candidate()
    {
        var settings = azurite.Settings(dir.Path);
        using var program = new ProgramProcess(settings);
        using var http = Client(program, Principal.Coordinator);
        const string evil = "<script>alert(1)</script>";
        var message = JsonSerializer.Serialize(new
        {
            schema = "signalpipeline/phase1-intake/v1", signal_id = "OVB-00000000000000000bad", model = "OVB", model_version = "1.0.0",
            theme = evil, @object = "V" + evil, subjects = Array.Empty<string>(),
            evidence = new Dictionary<string, string> { ["residents"] = evil, ["oppervlakte"] = "\"><img src=x onerror=alert(2)>" },
            run_id = "R1", reference_date = "2026-11-23",
            lineage = new { snapshots = new[] { new { source = "bag", snapshot_id = "bag-x", date = "2026-11-23", file_name = evil + ".csv", sha256 = new string('0', 64), rows = 1 } },
                register_version = evil, register_sha256 = "abc", dpia_reference = evil },
        });
        var invocation = new StringContent(JsonSerializer.Serialize(new { Data = new { msg = message }, Metadata = new { } }), System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/IntakeSignal", invocation)).StatusCode);
        invocation = new StringContent(JsonSerializer.Serialize(new { Data = new { msg = message }, Metadata = new { } }), System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/IntakeSignal", invocation)).StatusCode);
        Assert.Single(await new CandidateRegister(new StorageClients(azurite.ConnectionString, null)).ListAsync(), c => c.SignalId == "OVB-00000000000000000bad");

        // A message that kept failing intake shows up for the coordinator.
        var storage = new StorageClients(azurite.ConnectionString, null);
        await storage.EnsureCreatedAsync();
        await storage.Queue(StorageClients.IntakePoisonQueue).SendMessageAsync("{\"schema\":\"signalpipeline/phase1-intake/v0\",\"signal_id\":\"OVB-x\"}");
        var list = await http.GetStringAsync("/review");
        Assert.Contains("Intake-fouten (1)", list);
        Assert.Contains("OVB-x", list);

        foreach (var page in new[] { await http.GetStringAsync("/review"), (await Detail(http, "OVB-00000000000000000bad")).Html })
        {
            Assert.DoesNotContain("<script>alert", page);
            Assert.DoesNotContain("<img src=x", page);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        }
    }

    public void Dispose() => dir.Dispose();
}
