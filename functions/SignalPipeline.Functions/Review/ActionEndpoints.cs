using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Review.Pages;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>The coordinator's state-changing actions: reveal an identity with a written reason, and decide
/// (register into phase 1, or dismiss) with a reason. Anti-forgery tokens guard both; both are audited.</summary>
public static class ActionEndpoints
{
    /// <summary>Mapped on the coordinator's group (policy <see cref="Policies.Coordinator"/>).</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/signals/{id}/reveal", RevealAsync);
        group.MapPost("/signals/{id}/decision", DecideAsync);
        group.MapPost("/signals/{id}/eindresultaat", EndResultAsync);
    }

    static async Task<Results<RazorComponentResult<RevealPage>, RazorComponentResult<MessagePage>>> RevealAsync(HttpContext http, CandidateRegister register, AuditLog audit, IdentityResolver identities, TimeProvider clock,
        string id, [FromForm] string? reason, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (await register.GetAsync(id, ct) is not { } c) return View.SignalNotFound(user);
        if (c.RestrictedBy is { } request) return Restricted(user, id, request);
        if (ReasonProblem(reason) is { } problem) return View.Message(user, "Reden ontbreekt", problem, 400, BackTo(id), "Identiteit niet getoond");

        // Audit first: if the trace cannot be written, nothing is shown.
        var at = clock.GetUtcNow();
        await audit.WriteAsync(new AuditEntry(at, user.Name, string.Join(",", user.Roles), "reveal", id, reason!.Trim(), null), ct);
        var identity = await identities.RevealSignalAsync(c, register, ct);
        return View.Page<RevealPage>(new { User = user, SignalId = id, Identity = identity, Reason = reason.Trim(), At = at });
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<ConfirmDismissPage>, RazorComponentResult<MessagePage>>> DecideAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock, IAntiforgery antiforgery,
        string id, [FromForm] string? action, [FromForm] string? reason, [FromForm] string? confirm, [FromForm] string? outcome, [FromForm] string? department, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        // The protocol's routes (Fase 1, stap 3): register = door naar fase 2; dismiss = stoppen.
        Phase1Route? route = action switch
        {
            "register" => Phase1Route.Phase2, "dismiss" => Phase1Route.Stop, "politie" => Phase1Route.Police, "afdeling" => Phase1Route.Department, _ => null,
        };
        if (route is null) return View.Message(user, "Onbekende actie", status: 400, backTo: BackTo(id));
        if (ReasonProblem(reason) is { } problem) return View.Message(user, "Reden ontbreekt", problem, 400, BackTo(id), "Geen besluit vastgelegd");
        // Every decision records its outcome category (models.md v2): going on is "doorgezet", stopping says why.
        Outcome? category = outcome switch { "onterecht" => Outcome.Onterecht, "bekend" => Outcome.Bekend, "geen_prioriteit" => Outcome.GeenPrioriteit, _ => null };
        if (route == Phase1Route.Stop && category is null)
            return View.Message(user, "Uitkomst ontbreekt", "Kies bij afwijzen de uitkomst: onterecht, al bekend of geen prioriteit. Die telt mee in de kwaliteitscijfers van het model.", 400, BackTo(id), "Geen besluit vastgelegd");
        if (route == Phase1Route.Department && string.IsNullOrWhiteSpace(department))
            return View.Message(user, "Afdeling ontbreekt", "Noem de afdeling waarvan de toezichthouders het signaal krijgen.", 400, BackTo(id), "Geen besluit vastgelegd");
        if (await register.GetAsync(id, ct) is not { } current) return View.SignalNotFound(user);
        if (current.RestrictedBy is { } request) return Restricted(user, id, request);
        if (current.Review != ReviewState.Open) return AlreadyDecided(user, id);
        if (Phase1Record.Blocks(current.Phase1, route.Value) is { } blocked)
            return View.Message(user, "Nog niet mogelijk", $"Dit besluit kan nog niet: {blocked}.", 409, BackTo(id), "Geen besluit vastgelegd");
        if (route == Phase1Route.Stop && confirm != "ja")
            return View.Page<ConfirmDismissPage>(new { User = user, SignalId = id, Reason = reason!.Trim(), Outcome = outcome!, Tokens = antiforgery.GetAndStoreTokens(http) });
        var result = await register.DecideRouteAsync(id, route.Value, reason!.Trim(), route == Phase1Route.Department ? department!.Trim() : null, category, user.Name, ct);
        if (result == DecideResult.NotFound) return View.SignalNotFound(user);
        if (result == DecideResult.AlreadyDecided) return AlreadyDecided(user, id);
        if (result == DecideResult.Restricted) return Restricted(user, id, "(art. 18 AVG)");
        var status = route == Phase1Route.Stop ? ReviewState.Dismissed : ReviewState.Registered;
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "decision", id, reason.Trim(),
            Words.Nl(status) + (route == Phase1Route.Stop ? $" ({CandidateRegister.Nl(category!.Value)})" : route == Phase1Route.Phase2 ? "" : $" ({Phase1Words.Nl(route.Value)})")), ct);
        return TypedResults.Redirect(BackTo(id));
    }

    /// <summary>The recipient's end result on a signal taken further: it starts the one-year retention term (protocol art. 12).</summary>
    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> EndResultAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        string id, [FromForm] string? result, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (ReasonProblem(result) is { } problem) return View.Message(user, "Onvolledig", problem, 400, BackTo(id), "Geen eindresultaat vastgelegd");
        if (!await register.RecordEndResultAsync(id, result!.Trim(), user.Name, ct))
            return View.Message(user, "Niet vastgelegd", "Alleen bij een doorgezet signaal zonder eindresultaat kan een eindresultaat worden vastgelegd.", 409, BackTo(id));
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "end-result", id, result.Trim(), null), ct);
        return TypedResults.Redirect(BackTo(id));
    }

    static RazorComponentResult<MessagePage> Restricted(Principal user, string id, string request) => View.Message(user, "Verwerking beperkt",
        $"Een betrokkene heeft om beperking van de verwerking gevraagd (art. 18 AVG, verzoek {request}). Het signaal blijft zichtbaar maar wordt niet verder verwerkt tot het verzoek is afgehandeld.",
        409, BackTo(id), "Verwerking beperkt");

    static RazorComponentResult<MessagePage> AlreadyDecided(Principal user, string id) => View.Message(user, "Al besloten", status: 409, backTo: BackTo(id), heading: "Over dit signaal is al besloten");

    static string BackTo(string signalId) => $"/review/signals/{Uri.EscapeDataString(signalId)}";

    /// <summary>A written reason, not a keystroke (<see cref="WrittenReason"/>, the one rule for UI and command line).</summary>
    public static string? ReasonProblem(string? reason) =>
        WrittenReason.IsAcceptable(reason) ? null
            : $"Geef een geschreven reden van minstens {WrittenReason.MinLength} tekens, in woorden; die wordt vastgelegd in het auditlog.";
}
