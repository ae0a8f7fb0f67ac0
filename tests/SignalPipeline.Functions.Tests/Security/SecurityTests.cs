using System.Net;
using System.Text.RegularExpressions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Review;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Security;

/// <summary>docs/security.md, threat by threat, against the real program over HTTP: who may claim to be whom, which
/// routes answer whom, what every page sends, what each role sees, and what hostile text does.</summary>
public sealed class SecurityTests : IClassFixture<SecurityTests.Demo>
{
    /// <summary>One demo night on its own Azurite for the whole class.</summary>
    public sealed class Demo : IDisposable
    {
        public PipelineUnderTest Pipeline { get; } = new();
        public Demo() => Assert.Equal(0, CliApp.RunAsync(["demo", "--no-serve", "--date", "2026-11-05"], TextWriter.Null, TextWriter.Null, Pipeline.Settings).GetAwaiter().GetResult());
        public void Dispose() => Pipeline.Dispose();
    }

    readonly Demo demo;
    public SecurityTests(Demo demo) => this.demo = demo;

    StorageClients Storage => new(demo.Pipeline.Azurite.ConnectionString, null);

    static HttpClient Client(ProgramProcess program, string? name = null, string? role = null, CookieContainer? cookies = null)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = program.BaseAddress };
        if (role is not null) http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Principal.Encode(name ?? $"test-{role}", role));
        return http;
    }

    static string Token(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    static FormUrlEncodedContent Form(string token, params (string, string)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))]);

    async Task<string> Signal(string model) => (await new CandidateRegister(Storage).ListAsync()).Where(c => c.Model == model).Select(c => c.SignalId).Order().First();

    [Fact]
    public async Task A_principal_header_without_App_Service_authentication_is_refused_and_logged()
    {
        using var program = new ProgramProcess(demo.Pipeline.Settings, appServiceAuth: false);
        using var forged = Client(program, "aanvaller", Principal.Coordinator);
        var r = await forged.GetAsync("/review");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains("Niet aangemeld", await r.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/review/runs")).StatusCode);
        // The console logger writes asynchronously: wait for the line (at most 10 s).
        for (var i = 0; i < 100 && !program.Output.Contains("while App Service authentication is off"); i++) await Task.Delay(100);
        Assert.Contains("while App Service authentication is off", program.Output);
    }

    [Fact]
    public async Task Roles_reach_only_their_own_pages()
    {
        using var program = new ProgramProcess(demo.Pipeline.Settings);
        var run = (await new RunStore(Storage).ListIdsAsync()).Last();
        var signal = await Signal("OVB");
        (string Role, string Path, HttpStatusCode Expected)[] cases =
        [
            (Principal.Coordinator, "/review", HttpStatusCode.OK),
            (Principal.Oov, "/review", HttpStatusCode.OK),
            (Principal.DpiaReviewer, "/review", HttpStatusCode.Forbidden),
            (Principal.Admin, "/review", HttpStatusCode.Forbidden),
            (Principal.Admin, $"/review/signals/{signal}", HttpStatusCode.Forbidden),
            (Principal.Oov, "/review/betrokkene", HttpStatusCode.Forbidden),
            (Principal.DpiaReviewer, "/review/betrokkene", HttpStatusCode.Forbidden),
            (Principal.Oov, "/review/runs", HttpStatusCode.Forbidden),
            (Principal.DpiaReviewer, "/review/runs", HttpStatusCode.OK),
            (Principal.DpiaReviewer, $"/review/runs/{run}/schaduw", HttpStatusCode.OK),
            (Principal.Coordinator, $"/review/runs/{run}/schaduw", HttpStatusCode.Forbidden),
            (Principal.Admin, $"/review/runs/{run}/schaduw", HttpStatusCode.Forbidden),
            ("iemand", "/review", HttpStatusCode.Forbidden),
        ];
        foreach (var (role, path, expected) in cases)
        {
            using var http = Client(program, role: role);
            var r = await http.GetAsync(path);
            Assert.True(expected == r.StatusCode, $"{role} {path}: {r.StatusCode}");
            if (r.StatusCode == HttpStatusCode.Forbidden) Assert.Contains("Geen toegang", await r.Content.ReadAsStringAsync());
        }
        // Shadow evidence is on its own page; the run page a coordinator may read does not carry it.
        using var coordinator = Client(program, role: Principal.Coordinator);
        Assert.DoesNotContain("id=\"shadow-ANO\"", await coordinator.GetStringAsync($"/review/runs/{run}"));
        using var reviewer = Client(program, role: Principal.DpiaReviewer);
        Assert.Contains("id=\"shadow-ANO\"", await reviewer.GetStringAsync($"/review/runs/{run}/schaduw"));
    }

    [Fact]
    public async Task Invocation_routes_are_not_mapped_by_serve_and_answer_only_the_host()
    {
        var message = "{\"Data\":{\"msg\":\"{}\"},\"Metadata\":{}}";
        using (var serve = new ProgramProcess(demo.Pipeline.Settings, underHost: false))
        using (var http = Client(serve, role: Principal.Coordinator))
            foreach (var route in new[] { "/IntakeSignal", "/NightlyRun", "/Retention", "/IngestExtract" })
            {
                var r = await http.PostAsync(route, new StringContent(message, System.Text.Encoding.UTF8, "application/json"));
                Assert.True(r.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{route}: {r.StatusCode}");
            }
        using var host = new ProgramProcess(demo.Pipeline.Settings);
        using var asHost = Client(host);
        Assert.Equal(HttpStatusCode.InternalServerError, (await asHost.PostAsync("/IntakeSignal", new StringContent(message, System.Text.Encoding.UTF8, "application/json"))).StatusCode); // reached, and refused the empty message
    }

    [Fact]
    public async Task Development_sign_in_is_refused_outside_Development_and_its_cookie_is_signed()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(ProgramProcess.ProgramDll());
        foreach (var a in new[] { "serve", "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        foreach (var (k, v) in demo.Pipeline.Settings) psi.Environment[k.Replace(":", "__")] = v;
        psi.Environment["Review__DevSignIn"] = "true";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("the development sign-in is only allowed in Development", await err);

        using var program = new ProgramProcess(demo.Pipeline.Settings, devSignIn: true, appServiceAuth: false);
        var cookies = new CookieContainer();
        using var http = Client(program, cookies: cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/review/dev-login?role=coordinator")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/review")).StatusCode);
        var cookie = cookies.GetCookies(program.BaseAddress).Single(c => c.Name == "sp-dev-signin");
        Assert.True(cookie.HttpOnly);
        // A changed cookie, or the old unsigned one that anyone could write, signs nobody in.
        using var tampered = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = program.BaseAddress };
        foreach (var value in new[] { $"sp-dev-signin={cookie.Value[..^4]}AAAA", $"sp-dev-principal={Principal.Encode("x", Principal.Coordinator)}" })
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "/review");
            req.Headers.Add("Cookie", value);
            Assert.Equal(HttpStatusCode.Unauthorized, (await tampered.SendAsync(req)).StatusCode);
        }
    }

    [Fact]
    public async Task Every_page_sends_the_security_headers_and_pages_with_data_are_not_cached()
    {
        using var program = new ProgramProcess(demo.Pipeline.Settings);
        var signal = await Signal("OVB");
        foreach (var (role, path) in new[] { (Principal.Coordinator, "/review"), (Principal.Coordinator, $"/review/signals/{signal}"), (Principal.Coordinator, "/review/betrokkene"),
            (Principal.DpiaReviewer, "/review/runs"), (Principal.DpiaReviewer, "/review/models"), ("", "/review") })
        {
            using var http = Client(program, role: role == "" ? null : role);
            var r = await http.GetAsync(path);
            var csp = string.Join(' ', r.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", r.Headers.GetValues("Referrer-Policy").Single());
            Assert.True(r.Headers.CacheControl?.NoStore, $"{path} may be cached");
            var html = await r.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("style=", html);
        }
        using var anyone = Client(program);
        var css = await anyone.GetAsync("/review/site.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_form_token_of_one_user_is_refused_for_another_with_a_Dutch_page()
    {
        using var program = new ProgramProcess(demo.Pipeline.Settings);
        var signal = await Signal("NWF");
        var cookies = new CookieContainer();
        using var a = Client(program, "coördinator-a", Principal.Coordinator, cookies);
        var token = Token(await a.GetStringAsync($"/review/signals/{signal}"));
        using var b = Client(program, "coördinator-b", Principal.Coordinator, cookies); // same browser cookies, another user
        var r = await b.PostAsync($"/review/signals/{signal}/reveal", Form(token, ("reason", "Voorbereiding integraal overleg")));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("Formulier verlopen", await r.Content.ReadAsStringAsync());
        // A's own token still works for A.
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync($"/review/signals/{signal}/reveal", Form(token, ("reason", "Voorbereiding integraal overleg")))).StatusCode);
    }

    [Fact]
    public async Task Dismissal_and_erasure_need_a_confirmation_and_hostile_text_stays_text()
    {
        using var program = new ProgramProcess(demo.Pipeline.Settings);
        using var http = Client(program, "<b>mallory</b>", Principal.Coordinator);
        var register = new CandidateRegister(Storage);
        var signal = await Signal("ONG");
        const string evil = "Controle <script>alert(1)</script><img src=x onerror=alert(2)> gedaan";
        string Escaped(string s) => s.Replace("<", "&lt;").Replace(">", "&gt;");

        var detail = await http.GetStringAsync($"/review/signals/{signal}");
        Assert.Contains("&lt;b&gt;mallory&lt;/b&gt;", detail); // the user's own name from the principal, as text
        var confirm = await http.PostAsync($"/review/signals/{signal}/decision", Form(Token(detail), ("action", "dismiss"), ("reason", evil), ("outcome", "onterecht")));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var confirmPage = await confirm.Content.ReadAsStringAsync();
        Assert.Contains("id=\"confirm-form\"", confirmPage);
        Assert.DoesNotContain("<script>alert", confirmPage);
        Assert.Contains(Escaped(evil), confirmPage);
        Assert.Equal(Analysis.Signals.ReviewState.Open, (await register.GetAsync(signal))!.Review); // nothing happened yet
        var done = await http.PostAsync($"/review/signals/{signal}/decision", Form(Token(confirmPage), ("action", "dismiss"), ("reason", evil), ("outcome", "onterecht"), ("confirm", "ja")));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(Analysis.Signals.ReviewState.Dismissed, (await register.GetAsync(signal))!.Review);
        var after = await http.GetStringAsync($"/review/signals/{signal}");
        Assert.DoesNotContain("<script>alert", after);
        Assert.Contains(Escaped(evil), after);

        // The information duty and the reveal reason are free text too.
        var other = await Signal("HHC");
        var duty = await http.PostAsync($"/review/signals/{other}/informatieplicht", Form(Token(await http.GetStringAsync($"/review/signals/{other}")), ("ground", "b"), ("reason", evil), ("dependsOn", evil), ("reviewBy", "2027-01-01")));
        Assert.Equal(HttpStatusCode.Redirect, duty.StatusCode);
        Assert.DoesNotContain("<script>alert", await http.GetStringAsync($"/review/signals/{other}"));
        var reveal = await http.PostAsync($"/review/signals/{other}/reveal", Form(Token(await http.GetStringAsync($"/review/signals/{other}")), ("reason", evil)));
        Assert.DoesNotContain("<script>alert", await reveal.Content.ReadAsStringAsync());

        // Erasure: a confirmation page that does not echo the BSN, then the erasure.
        var bsn = File.ReadLines(Path.Combine(demo.Pipeline.Dir.Path, "demo-extracts", "brp", "2026-11-05", "brp-2026-11-05.csv")).Skip(5).First().Split(';')[0];
        var subjectPage = await http.GetStringAsync("/review/betrokkene");
        var first = await http.PostAsync("/review/betrokkene/wissen", Form(Token(subjectPage), ("bsn", bsn), ("reason", evil)));
        var erasePage = await first.Content.ReadAsStringAsync();
        Assert.Contains("id=\"confirm-erase-form\"", erasePage);
        Assert.DoesNotContain(bsn, erasePage);
        Assert.DoesNotContain("<script>alert", erasePage);
        var pending = Regex.Match(erasePage, "name=\"request\" value=\"([^\"]+)\"").Groups[1].Value;
        // Another coordinator cannot complete someone else's pending erasure.
        using var other2 = Client(program, "coördinator-b", Principal.Coordinator);
        var foreign = await other2.PostAsync("/review/betrokkene/wissen", Form(Token(await other2.GetStringAsync("/review/betrokkene")), ("request", System.Net.WebUtility.HtmlDecode(pending))));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        var erased = await http.PostAsync("/review/betrokkene/wissen", Form(Token(erasePage), ("request", System.Net.WebUtility.HtmlDecode(pending))));
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Contains("id=\"erasure\"", await erased.Content.ReadAsStringAsync());
    }
}
