using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using static SignalPipeline.Functions.Review.Html;
using SignalPipeline.Functions.Composition;

namespace SignalPipeline.Functions.Review;

/// <summary>Data-subject requests (art. 14) and the postponed information duty (art. 13), for the coordinator only.
/// The BSN travels in a POST body, is pseudonymised at once and is never stored or echoed.</summary>
public static class SubjectEndpoints
{
    /// <summary>Mapped on the coordinator's group (policy <see cref="Policies.Coordinator"/>).</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/betrokkene", SubjectPage);
        group.MapPost("/betrokkene", SubjectRequestAsync);
        group.MapPost("/betrokkene/wissen", EraseAsync);
        group.MapPost("/signals/{id}/informatieplicht", PostponeInformationDutyAsync);
    }

    static IResult SubjectPage(HttpContext http, AppServices services)
    {
        return Page("Verzoek van een betrokkene", $"<h1>Verzoek van een betrokkene</h1>{Forms(http)}", Principal.From(http));
    }

    static async Task<IResult> SubjectRequestAsync(HttpContext http, AppServices services, [FromForm] string? bsn, [FromForm] string? reason, [FromForm] string? action, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        try
        {
            if (action == "rectify")
            {
                var n = await services.Subjects.RectifyAsync(bsn ?? "", reason ?? "", user.Name, ct);
                return Page("Rectificatie", $"<h1>Rectificatie vastgelegd</h1><p id=\"rectified\">Bij {n} signalen staat nu in de geschiedenis dat de gegevens zijn betwist en in de bronregistratie gecorrigeerd.</p>{Forms(http)}", user);
            }
            var report = await services.Subjects.FindAsync(bsn ?? "", reason ?? "", user.Name, ct);
            var html = Pipeline.SubjectRequestService.ToHtml(report, services.Clock.GetUtcNow());
            if (action == "download")
                return Results.File(System.Text.Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", $"inzageverzoek-{services.Clock.GetUtcNow():yyyyMMdd-HHmm}.html");
            var body = html[(html.IndexOf("<body>") + 6)..html.IndexOf("</body>")];
            return Page("Inzageverzoek", body + Forms(http), user);
        }
        catch (ArgumentException e) { return Page("Verzoek niet uitgevoerd", $"<h1>Verzoek niet uitgevoerd</h1><p>{E(e.Message)}</p>{Forms(http)}", user, 400); }
    }

    static async Task<IResult> EraseAsync(HttpContext http, AppServices services, [FromForm] string? bsn, [FromForm] string? reason, [FromForm] string? request, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        try
        {
            if (request is null)
            {
                if (!Analysis.Extracts.Identifiers.TryBsn(bsn ?? "", out _, out var why)) throw new ArgumentException($"geen geldig BSN: {why}");
                if (ActionEndpoints.ReasonProblem(reason) is { } problem) throw new ArgumentException(problem);
                var pending = Protector(http).Protect($"{user.Name}\n{bsn!.Trim()}\n{reason!.Trim()}", TimeSpan.FromMinutes(10));
                return Page("Wissen bevestigen", $"""
                    <h1>Wissen bevestigen</h1>
                    <p>U staat op het punt een persoon te wissen uit signalen, snapshots en identiteitsenveloppen (art. 14). Dit is niet terug te draaien.</p>
                    <p>Uw reden: “{E(reason.Trim())}”</p>
                    <form method="post" action="/review/betrokkene/wissen" id="confirm-erase-form" class="box error">{Token(http)}
                      <input type="hidden" name="request" value="{E(pending)}">
                      <button type="submit">Ja, definitief wissen</button> <a href="/review/betrokkene">Annuleren</a>
                    </form>
                    """, user);
            }
            string[] parts;
            try { parts = Protector(http).Unprotect(request).Split('\n', 3); }
            catch (System.Security.Cryptography.CryptographicException) { throw new ArgumentException("de bevestiging is verlopen of ongeldig; begin opnieuw"); }
            if (parts.Length != 3 || parts[0] != user.Name) throw new ArgumentException("de bevestiging hoort bij een andere aanmelding; begin opnieuw");
            (bsn, reason) = (parts[1], parts[2]);
            var r = await services.Subjects.EraseAsync(bsn ?? "", reason ?? "", user.Name, ct);
            return Page("Gewist", $"""
                <h1>Gewist</h1><p id="erasure">{r.SignalsChanged} signalen aangepast, {r.SignalsDeleted} verwijderd, {r.SnapshotRows} snapshotrijen met identiteitsenvelop verwijderd,
                {r.RunSignalSets} runresultaten aangepast. Vastgelegd in het auditlog met uw reden.</p>
                """, user);
        }
        catch (ArgumentException e) { return Page("Niet gewist", $"<h1>Niet gewist</h1><p>{E(e.Message)}</p>{Forms(http)}", user, 400); }
    }

    static async Task<IResult> PostponeInformationDutyAsync(HttpContext http, AppServices services, string id, [FromForm] string? reason, [FromForm] string? reviewBy, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (ActionEndpoints.ReasonProblem(reason) is not null || !DateOnly.TryParse(reviewBy, out var review))
            return Page("Onvolledig", $"<h1>Niet vastgelegd</h1><p>Geef een reden van minstens {ActionEndpoints.MinReasonLength} tekens en een datum om opnieuw te beoordelen.</p>", user, 400);
        if (!await services.Register.PostponeInformationDutyAsync(id, reason!.Trim(), review, user.Name, ct)) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
        await services.Audit.WriteAsync(new Storage.AuditEntry(services.Clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "information-duty-postponed", id, reason!.Trim(), $"herbeoordelen uiterlijk {review:yyyy-MM-dd}"), ct);
        return Results.Redirect($"/review/signals/{Uri.EscapeDataString(id)}");
    }

    static string Token(HttpContext http) => ActionEndpoints.TokenField(http);
    // The erasure is confirmed on a second page. That page must not echo the BSN, so the request travels in a
    // protected, ten-minute token only this program can read.
    static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("SignalPipeline.Erasure").ToTimeLimitedDataProtector();

    static string Forms(HttpContext http) => $"""
        <form method="post" action="/review/betrokkene" class="box" id="subject-form">{Token(http)}
          <label>BSN <input name="bsn" autocomplete="off" inputmode="numeric" required></label>
          <label>Reden (verzoek, kenmerk) <input name="reason" required minlength="10"></label><br>
          <button type="submit" name="action" value="show">Tonen</button> <button type="submit" name="action" value="download">Rapport downloaden (HTML)</button>
          <button type="submit" name="action" value="rectify">Rectificatie vastleggen</button>
        </form>
        <form method="post" action="/review/betrokkene/wissen" class="box error" id="erase-form">{Token(http)}
          <strong>Wissen (art. 14)</strong>: haalt de persoon uit signalen, snapshots en identiteitsenveloppen. Niet terug te draaien.<br>
          <label>BSN <input name="bsn" autocomplete="off" inputmode="numeric" required></label>
          <label>Reden <input name="reason" required minlength="10"></label>
          <button type="submit">Wissen</button>
        </form>
        """;

    public static string InformationDutyForm(HttpContext http, Analysis.Signals.SignalState c)
    {
        var af = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var current = c.InformationDutyPostponedReason is { } r
            ? $"<p id=\"information-duty\">Informatieplicht uitgesteld: {E(r)} — herbeoordelen uiterlijk {c.InformationDutyReviewBy:yyyy-MM-dd}.</p>" : "";
        return $"""
            {current}
            <form method="post" action="/review/signals/{E(c.SignalId)}/informatieplicht" class="box" id="duty-form">
              <input type="hidden" name="{E(af.FormFieldName)}" value="{E(af.RequestToken)}">
              <strong>Informatieplicht uitstellen (art. 13)</strong><br>
              <label>Reden <input name="reason" required minlength="{ActionEndpoints.MinReasonLength}"></label>
              <label>Herbeoordelen uiterlijk <input type="date" name="reviewBy" required></label>
              <button type="submit">Vastleggen</button>
            </form>
            """;
    }
}
