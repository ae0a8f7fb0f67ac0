using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using static SignalPipeline.Functions.Review.Html;
using SignalPipeline.Functions.Composition;

namespace SignalPipeline.Functions.Review;

/// <summary>The coordinator's state-changing actions: reveal an identity with a written reason, and decide
/// (register into phase 1, or dismiss) with a reason. Anti-forgery tokens guard both; both are audited.</summary>
public static class ActionEndpoints
{
    /// <summary>A written reason, not a keystroke (<see cref="WrittenReason"/>, the one rule for UI and command line).</summary>
    public const int MinReasonLength = WrittenReason.MinLength;

    public static string TokenField(HttpContext http)
    {
        var af = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{E(af.FormFieldName)}\" value=\"{E(af.RequestToken)}\">";
    }

    public static string Forms(HttpContext http, SignalState c)
    {
        var token = TokenField(http);
        var id = E(c.SignalId);
        var decision = c.Review == ReviewState.Open ? $"""
            <form method="post" action="/review/signals/{id}/decision" id="decision-form" class="box">{token}
              <label>Reden van het besluit <input name="reason" required minlength="{MinReasonLength}" maxlength="2000"></label><br>
              <button type="submit" name="action" value="register">Registreren (fase 1)</button>
              <button type="submit" name="action" value="dismiss">Afwijzen</button>
            </form>
            """ : $"<p>Besluit genomen: <strong>{E(CandidateRegister.Nl(c.Review))}</strong>.</p>";
        return $"""
            <h2>Acties</h2>
            <form method="post" action="/review/signals/{id}/reveal" id="reveal-form" class="box">{token}
              <label>Reden voor inzage in de identiteit <input name="reason" required minlength="{MinReasonLength}" maxlength="2000"></label>
              <button type="submit">Identiteit tonen</button>
              <div class="muted">De inzage wordt met uw naam en reden vastgelegd in het auditlog en niet bewaard in de browser.</div>
            </form>
            {decision}
            """;
    }

    /// <summary>Mapped on the coordinator's group (policy <see cref="Policies.Coordinator"/>).</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/signals/{id}/reveal", RevealAsync);
        group.MapPost("/signals/{id}/decision", DecideAsync);
    }

    static async Task<IResult> RevealAsync(HttpContext http, AppServices services, string id, [FromForm] string? reason, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (await services.Register.GetAsync(id, ct) is not { } c) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
        if (ReasonProblem(reason) is { } problem) return Page("Reden ontbreekt", $"<h1>Identiteit niet getoond</h1><p>{E(problem)}</p><p><a href=\"/review/signals/{E(id)}\">Terug</a></p>", user, 400);

        // Audit first: if the trace cannot be written, nothing is shown.
        await services.Audit.WriteAsync(new AuditEntry(services.Clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "reveal", id, reason!.Trim(), null), ct);
        // As of the observation the decision was taken on (its snapshots), or else the latest one.
        var basis = c.Decision is { } d ? await services.Register.ObservationAsync(id, d.ObservationRunId, ct) : null;
        var identity = await services.Identities.RevealAsync(basis?.Object ?? c.Object, basis?.Subjects ?? c.Subjects, (basis?.Lineage ?? c.Lineage).Snapshots, ct);
        var body = $"""
            <h1>Identiteit bij signaal {E(id)}</h1>
            <div class="box revealed"><table id="identity">
              <tr><th>Verblijfsobject-id</th><td>{E(identity.VerblijfsobjectId ?? "—")}</td></tr>
              <tr><th>Adres</th><td id="address">{E(identity.Address ?? "—")}</td></tr>
              <tr><th>BSN</th><td>{E(identity.Bsn.Count > 0 ? string.Join(", ", identity.Bsn) : "—")}</td></tr>
              <tr><th>Naam</th><td>{E(identity.Names.Count > 0 ? string.Join(", ", identity.Names) : "—")}</td></tr>
              <tr><th>KvK-nummer</th><td>{E(identity.Kvk.Count > 0 ? string.Join(", ", identity.Kvk) : "—")}</td></tr>
            </table></div>
            <p class="muted">Vastgelegd in het auditlog: {E(user.Name)}, {services.Clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC, reden “{E(reason.Trim())}”.</p>
            <p><a href="/review/signals/{E(id)}">Terug naar het signaal</a></p>
            """;
        return Page($"Identiteit {id}", body, user);
    }

    static async Task<IResult> DecideAsync(HttpContext http, AppServices services, string id, [FromForm] string? action, [FromForm] string? reason, [FromForm] string? confirm, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        ReviewState? status = action switch { "register" => ReviewState.Registered, "dismiss" => ReviewState.Dismissed, _ => null };
        if (status is null) return Page("Onbekende actie", "<h1>Onbekende actie</h1>", user, 400);
        if (ReasonProblem(reason) is { } problem) return Page("Reden ontbreekt", $"<h1>Geen besluit vastgelegd</h1><p>{E(problem)}</p><p><a href=\"/review/signals/{E(id)}\">Terug</a></p>", user, 400);
        if (await services.Register.GetAsync(id, ct) is not { } current) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
        if (current.Review != ReviewState.Open)
            return Page("Al besloten", $"<h1>Over dit signaal is al besloten</h1><p><a href=\"/review/signals/{E(id)}\">Terug</a></p>", user, 409);
        // Dismissing cannot be undone (the signal leaves the active register): it is confirmed on a page of its own.
        if (status == ReviewState.Dismissed && confirm != "ja")
            return Page("Afwijzen bevestigen", $"""
                <h1>Signaal {E(id)} afwijzen?</h1>
                <p>Een afgewezen signaal gaat naar de niet-actieve omgeving en wordt na de bewaartermijn verwijderd. Dit is niet terug te draaien.</p>
                <p>Uw reden: “{E(reason!.Trim())}”</p>
                <form method="post" action="/review/signals/{E(id)}/decision" id="confirm-form" class="box">{TokenField(http)}
                  <input type="hidden" name="action" value="dismiss"><input type="hidden" name="reason" value="{E(reason.Trim())}">
                  <input type="hidden" name="confirm" value="ja">
                  <button type="submit">Ja, afwijzen</button> <a href="/review/signals/{E(id)}">Annuleren</a>
                </form>
                """, user);
        var result = await services.Register.DecideAsync(id, status.Value, reason!.Trim(), user.Name, ct);
        if (result == DecideResult.NotFound) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
        if (result == DecideResult.AlreadyDecided)
            return Page("Al besloten", $"<h1>Over dit signaal is al besloten</h1><p><a href=\"/review/signals/{E(id)}\">Terug</a></p>", user, 409);
        await services.Audit.WriteAsync(new AuditEntry(services.Clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "decision", id, reason.Trim(), CandidateRegister.Nl(status.Value)), ct);
        return Results.Redirect($"/review/signals/{Uri.EscapeDataString(id)}");
    }

    public static string? ReasonProblem(string? reason) =>
        WrittenReason.IsAcceptable(reason) ? null
            : $"Geef een geschreven reden van minstens {MinReasonLength} tekens, in woorden; die wordt vastgelegd in het auditlog.";
}
