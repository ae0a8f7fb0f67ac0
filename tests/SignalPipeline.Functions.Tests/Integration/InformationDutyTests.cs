using System.Net;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Review;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Protocol art. 13 over HTTP against the real program: a postponement needs a ground from lid 1, a written
/// motivation and a review date; a passed review date is a reminder on the coordinator's list; informing the person
/// is recorded; everything is audited.</summary>
public sealed class InformationDutyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();

    static HttpClient Coordinator(ProgramProcess program) => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    {
        BaseAddress = program.BaseAddress,
        DefaultRequestHeaders = { { "X-MS-CLIENT-PRINCIPAL", Principal.Encode("coördinator-test", Principal.Coordinator) } },
    };

    static FormUrlEncodedContent Form(string page, params (string, string)[] fields) =>
        new([new("__RequestVerificationToken", Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value),
            .. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))]);

    [Fact]
    public async Task A_postponement_has_a_ground_a_motivation_and_a_review_date_and_a_passed_date_reminds_the_coordinator()
    {
        var settings = azurite.Settings(dir.Path);
        Assert.Equal(0, await CliApp.RunAsync(["demo", "--no-serve", "--date", "2026-11-04"], TextWriter.Null, TextWriter.Null, settings));
        using var program = new ProgramProcess(settings);
        using var http = Coordinator(program);
        var storage = new StorageClients(azurite.ConnectionString, null);
        var register = new CandidateRegister(storage);
        var signal = (await register.ListAsync()).First(c => c.Model == "BIB").SignalId;
        var page = await http.GetStringAsync($"/review/signals/{signal}");
        foreach (var (code, _) in InformationDuty.Grounds) Assert.Contains($"<option value=\"{code}\">", page);

        // No ground, or a review date in the past: nothing recorded.
        var nextYear = DateTime.UtcNow.AddYears(1).ToString("yyyy-MM-dd");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"/review/signals/{signal}/informatieplicht", Form(page, ("reason", "Lopend onderzoek politie naar de aanvrager"), ("reviewBy", nextYear)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"/review/signals/{signal}/informatieplicht", Form(page, ("ground", "b"), ("reason", "Lopend onderzoek politie naar de aanvrager"), ("reviewBy", "2020-01-01")))).StatusCode);
        Assert.Null((await register.GetAsync(signal))!.InformationDuty);

        var posted = await http.PostAsync($"/review/signals/{signal}/informatieplicht",
            Form(page, ("ground", "b"), ("reason", "Lopend onderzoek politie naar de aanvrager"), ("dependsOn", "afronding van het politieonderzoek"), ("reviewBy", nextYear)));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var duty = (await register.GetAsync(signal))!.InformationDuty!;
        Assert.Equal(("b", "afronding van het politieonderzoek", "coördinator-test"), (duty.Ground, duty.DependsOn, duty.PostponedBy));
        page = await http.GetStringAsync($"/review/signals/{signal}");
        Assert.Contains("art. 13 lid 1 sub b", page);
        Assert.Contains("Afhankelijk van: afronding van het politieonderzoek", page);
        Assert.DoesNotContain("id=\"duty-reminders\"", await http.GetStringAsync("/review"));

        // The review date passes (set back in the register, as a year would): the list reminds the coordinator.
        await register.PostponeInformationDutyAsync(signal, duty with { ReviewBy = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1) });
        var list = await http.GetStringAsync("/review");
        Assert.Contains("id=\"duty-reminders\"", list);
        Assert.Contains($"href=\"/review/signals/{signal}\"", Regex.Match(list, "id=\"duty-reminders\"[\\s\\S]*?</div>").Value);

        // Informed: recorded with date and how; the reminder goes.
        page = await http.GetStringAsync($"/review/signals/{signal}");
        var informed = await http.PostAsync($"/review/signals/{signal}/geinformeerd", Form(page, ("on", DateTime.UtcNow.ToString("yyyy-MM-dd")), ("how", "brief aan de aanvrager verstuurd")));
        Assert.Equal(HttpStatusCode.Redirect, informed.StatusCode);
        Assert.Contains("id=\"informed\"", await http.GetStringAsync($"/review/signals/{signal}"));
        Assert.DoesNotContain("id=\"duty-reminders\"", await http.GetStringAsync("/review"));

        var audit = await new AuditLog(storage).ReadAllAsync();
        Assert.Single(audit, a => a.Action == "information-duty-postponed" && a.SignalId == signal && a.Detail!.Contains("sub b"));
        Assert.Single(audit, a => a.Action == "data-subject-informed" && a.SignalId == signal);
        var history = await register.HistoryAsync(signal);
        Assert.Contains(history, h => h.Event == "betrokkene geïnformeerd");
    }

    [Fact]
    public async Task The_list_warns_before_undecided_candidates_expire_and_a_signal_taken_further_records_its_end_result()
    {
        var settings = azurite.Settings(dir.Path);
        settings["Retention:UndecidedDays"] = "10"; // shorter than the 14-day warning: every open candidate is due soon
        Assert.Equal(0, await CliApp.RunAsync(["demo", "--no-serve", "--date", "2026-11-06"], TextWriter.Null, TextWriter.Null, settings));
        using var program = new ProgramProcess(settings);
        using var http = Coordinator(program);
        var list = await http.GetStringAsync("/review");
        var warning = Regex.Match(list, "id=\"expiring\"[\\s\\S]*?</div>").Value;
        Assert.Contains("na 10 dagen", warning);
        Assert.Contains($"verloopt op {Functions.Review.Words.Date(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10)))}", warning); // "27 november 2026"
        Assert.Matches(@"verloopt op \d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}", warning);

        var register = new CandidateRegister(new StorageClients(azurite.ConnectionString, null));
        var signal = (await register.ListAsync()).First(c => c.Model == "HHC").SignalId;
        Assert.Equal(DecideResult.Done, await register.DecideAsync(signal, Analysis.Signals.ReviewState.Registered, "Naar casusoverleg fase 1", "coord"));
        Assert.DoesNotContain(signal, Regex.Match(await http.GetStringAsync("/review"), "id=\"expiring\"[\\s\\S]*?</div>").Value); // decided: no longer expires
        var page = await http.GetStringAsync($"/review/signals/{signal}");
        Assert.Contains("id=\"end-result-form\"", page);
        var posted = await http.PostAsync($"/review/signals/{signal}/eindresultaat", Form(page, ("result", "Proces beëindigd door de politie")));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        page = await http.GetStringAsync($"/review/signals/{signal}");
        Assert.Contains("id=\"end-result\"", page);
        Assert.DoesNotContain("id=\"end-result-form\"", page);
        Assert.Equal("Proces beëindigd door de politie", (await register.GetAsync(signal))!.EndResult!.Result);
    }

    [Fact]
    public async Task A_request_is_registered_with_its_deadline_extended_once_and_closed_and_an_overdue_one_is_marked()
    {
        var settings = azurite.Settings(dir.Path);
        Assert.Equal(0, await CliApp.RunAsync(["demo", "--no-serve", "--date", "2026-11-07"], TextWriter.Null, TextWriter.Null, settings));
        var bsn = File.ReadLines(Path.Combine(dir.Path, "demo-extracts", "brp", "2026-11-07", "brp-2026-11-07.csv")).Skip(3).First().Split(';')[0];
        using var program = new ProgramProcess(settings);
        using var http = Coordinator(program);
        var page = await http.GetStringAsync("/review/betrokkene");
        var received = DateTime.UtcNow.AddMonths(-2).ToString("yyyy-MM-dd"); // received two months ago: past its month
        var registered = await http.PostAsync("/review/betrokkene/verzoeken", Form(page, ("bsn", bsn), ("type", "inzage"), ("received", received), ("reason", "Brief 2026-090 van betrokkene")));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        page = await registered.Content.ReadAsStringAsync();
        Assert.Contains("id=\"request-registered\"", page);
        Assert.DoesNotContain(bsn, page);
        var id = Regex.Match(page, "Verzoek (V\\d{8}-\\d{3}) vastgelegd").Groups[1].Value;
        Assert.Matches("<tr class=\"flag\"><td>" + id, page);             // overdue: marked
        Assert.Contains("termijn verstreken", page);
        Assert.Contains("id=\"overdue-requests\"", await http.GetStringAsync("/review")); // and the coordinator's list says so

        var extended = await http.PostAsync($"/review/betrokkene/verzoeken/{id}", Form(page, ("action", "verlengen"), ("text", "Omvangrijk verzoek over vele signalen")));
        page = await extended.Content.ReadAsStringAsync();
        Assert.Contains(DateTime.UtcNow.AddMonths(-2).AddMonths(3).ToString("yyyy-MM-dd"), page); // three months after receipt
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/review/betrokkene/verzoeken/{id}", Form(page, ("action", "verlengen"), ("text", "Nog eens verlengen graag")))).StatusCode);
        var closed = await http.PostAsync($"/review/betrokkene/verzoeken/{id}", Form(page, ("action", "afgehandeld"), ("text", "Overzicht per brief verstuurd")));
        page = await closed.Content.ReadAsStringAsync();
        Assert.Contains("Overzicht per brief verstuurd", page);
        Assert.DoesNotContain("termijn verstreken", page);
        Assert.DoesNotContain("id=\"overdue-requests\"", await http.GetStringAsync("/review"));

        var storage = new StorageClients(azurite.ConnectionString, null);
        var request = Assert.Single(await new RequestRegister(storage).ListAsync());
        Assert.StartsWith("S", request.Subject);                            // the audit pseudonym, never the BSN
        var audit = await new AuditLog(storage).ReadAllAsync();
        Assert.Single(audit, a => a.Action == "request-registered" && a.Subject == request.Subject);
        Assert.Single(audit, a => a.Action == "request-extended");
        Assert.Single(audit, a => a.Action == "request-closed");
    }

    public void Dispose() => dir.Dispose();
}
