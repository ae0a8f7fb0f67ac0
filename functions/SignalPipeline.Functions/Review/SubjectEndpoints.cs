using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using static SignalPipeline.Functions.Review.Html;

namespace SignalPipeline.Functions.Review;

/// <summary>Data-subject requests (art. 14) and the postponed information duty (art. 13), for the coordinator only.
/// The BSN travels in a POST body, is pseudonymised at once and is never stored or echoed.</summary>
public static class SubjectEndpoints
{
    /// <summary>Mapped on the coordinator's group (policy <see cref="Identity.Policies.Coordinator"/>).</summary>
    public static void Map(RouteGroupBuilder group, AppServices services)
    {
        string Token(HttpContext http)
        {
            var af = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
            return $"<input type=\"hidden\" name=\"{E(af.FormFieldName)}\" value=\"{E(af.RequestToken)}\">";
        }

        string Forms(HttpContext http) => $"""
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

        group.MapGet("/betrokkene", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Page("Verzoek van een betrokkene", $"<h1>Verzoek van een betrokkene</h1>{Forms(http)}", Principal.From(http));
        });

        group.MapPost("/betrokkene", async (HttpContext http, [FromForm] string? bsn, [FromForm] string? reason, [FromForm] string? action, CancellationToken ct) =>
        {
            var user = Principal.From(http)!;
            http.Response.Headers.CacheControl = "no-store";
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
        });

        group.MapPost("/betrokkene/wissen", async (HttpContext http, [FromForm] string? bsn, [FromForm] string? reason, CancellationToken ct) =>
        {
            var user = Principal.From(http)!;
            try
            {
                var r = await services.Subjects.EraseAsync(bsn ?? "", reason ?? "", user.Name, ct);
                return Page("Gewist", $"""
                    <h1>Gewist</h1><p id="erasure">{r.SignalsChanged} signalen aangepast, {r.SignalsDeleted} verwijderd, {r.SnapshotRows} snapshotrijen met identiteitsenvelop verwijderd,
                    {r.RunSignalSets} runresultaten aangepast. Vastgelegd in het auditlog met uw reden.</p>
                    """, user);
            }
            catch (ArgumentException e) { return Page("Niet gewist", $"<h1>Niet gewist</h1><p>{E(e.Message)}</p>{Forms(http)}", user, 400); }
        });

        group.MapPost("/signals/{id}/informatieplicht", async (HttpContext http, string id, [FromForm] string? reason, [FromForm] string? reviewBy, CancellationToken ct) =>
        {
            var user = Principal.From(http)!;
            if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length < ActionEndpoints.MinReasonLength || !DateOnly.TryParse(reviewBy, out var review))
                return Page("Onvolledig", $"<h1>Niet vastgelegd</h1><p>Geef een reden van minstens {ActionEndpoints.MinReasonLength} tekens en een datum om opnieuw te beoordelen.</p>", user, 400);
            if (!await services.Register.PostponeInformationDutyAsync(id, reason.Trim(), review, user.Name, ct)) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
            await services.Audit.WriteAsync(new Azure.AuditEntry(services.Clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "information-duty-postponed", id, reason.Trim(), $"herbeoordelen uiterlijk {review:yyyy-MM-dd}"), ct);
            return Results.Redirect($"/review/signals/{Uri.EscapeDataString(id)}");
        });
    }

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
