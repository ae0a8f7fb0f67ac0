using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Review.Pages;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>Phase 1 of the protocol as the coordinator walks it (Procesbeschrijving Fase 1, Bijlage 2): first weighing
/// against the checklist, weighing 2A/2B (the decision with its route is <see cref="ActionEndpoints"/>'s), the hand-off document, the
/// recipient's feedback; the phase-2 list and the dossier per object. Every step is written to the signal's history
/// and the audit log. Thin: the rules are in <see cref="Phase1Record"/> and <see cref="SignalState"/>.</summary>
public static class Phase1Endpoints
{
    public static void Map(RouteGroupBuilder coordinator, RouteGroupBuilder signals)
    {
        coordinator.MapPost("/signals/{id}/weging1", FirstWeighingAsync);
        coordinator.MapPost("/signals/{id}/weging2", SecondWeighingAsync);
        coordinator.MapPost("/signals/{id}/overdracht", HandoffAsync);
        coordinator.MapPost("/signals/{id}/zaak", ZaakAsync);
        coordinator.MapPost("/signals/{id}/terugkoppeling", FeedbackAsync);
        signals.MapGet("/fase2", PhaseTwoAsync);
        signals.MapGet("/objecten/{obj}", DossierAsync);
        coordinator.MapPost("/objecten/{obj}/notitie", NoteAsync);
        coordinator.MapPost("/objecten/{obj}/toewijzen", AssignAsync);
    }

    static string Back(string id) => $"/review/signals/{id}";

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> FirstWeighingAsync(HttpContext http, CandidateRegister register, ChecklistStore checklists, AuditLog audit, TimeProvider clock,
        string id, [FromForm] string? note, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var (list, _) = await checklists.CurrentAsync(ct);
        // Ticked boxes arrive as repeated fields; only what the checklist in force offers counts, anything else is ignored.
        var form = await http.Request.ReadFormAsync(ct);
        var roles = form["category"].OfType<string>().Where(list.AllRoles.Contains).Distinct().ToList();
        var indicators = form["indicator"].OfType<string>().Where(list.Indicators.Contains).Distinct().ToList();
        var weighing = new FirstWeighing(list.Version, roles, indicators, Trim(note), user.Name, clock.GetUtcNow());
        var summary = weighing.GoesOn ? $"{roles.Count} persoonscategorieën, {indicators.Count} kenmerken (checklist {list.Version})" : $"geen categorie of kenmerk van toepassing (checklist {list.Version})";
        return await StepAsync(http, register, audit, clock, id, p => p with { First = weighing }, "eerste weging", summary, "phase1-weighing-1");
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> SecondWeighingAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        string id, [FromForm] string? task, [FromForm] string? territory, [FromForm] string? basis, [FromForm] string? prefilled, [FromForm] string? note, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (task is not ("ja" or "nee") || territory is not ("ja" or "nee") || basis is not ("object" or "subject"))
            return View.Message(user, "Weging onvolledig", "Beantwoord 2A en 2B.", 400, Back(id), "Niets vastgelegd");
        var weighing = new SecondWeighing(task == "ja", basis, territory == "ja", Trim(note), prefilled == "ja" && task == "ja" && territory == "ja", user.Name, clock.GetUtcNow());
        return await StepAsync(http, register, audit, clock, id, p => p with { Second = weighing }, "weging 2A/2B",
            $"2A gemeentelijke taak: {task}; 2B {basis}, binnen de gemeente: {territory}", "phase1-weighing-2");
    }

    /// <summary>The hand-off document for the police or the department: only what the recipient needs (the object, the
    /// facts, the coordinator's motivation), downloaded once per request, audited with the reason, recorded on the signal.</summary>
    static async Task<Results<FileContentHttpResult, RazorComponentResult<MessagePage>>> HandoffAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        Pipeline.IdentityResolver identities, Configuration.PipelineSettings settings, string id, [FromForm] string? reason, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var (c, decision, refused) = await HandoffAllowedAsync(user, register, id, reason, "Een overdrachtsdocument", "Geen document gemaakt", ct);
        if (refused is not null) return refused;
        var recipient = decision!.Route == Phase1Route.Police ? "politie (proces-verbaal van bevindingen door een BOA)" : decision.Department!;
        var h = await BeginHandoffAsync(user, c!, "handoff-document", recipient, reason!, register, audit, clock, identities, settings, ct);
        var html = await Documents.HandoffAsync(c!, decision, recipient, h.Identity, h.Explanation, user.Name, h.At);
        await register.Phase1StepAsync(id, p => p with { Handoffs = [.. p.Handoffs, new Handoff("document", recipient, user.Name, h.At)] }, "overdracht", user.Name, $"overdrachtsdocument voor {recipient}", ct);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", $"overdracht-{id}.html");
    }

    /// <summary>The hand-off as a zaak in the recipient's zaaksysteem (ZGW Zaken API): zaak, rol and zaakobject, audited and
    /// recorded on the signal with the zaak's URL.</summary>
    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> ZaakAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        Pipeline.IdentityResolver identities, Pipeline.ZgwHandoffService zgw, Configuration.PipelineSettings settings, string id, [FromForm] string? recipient, [FromForm] string? reason, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var (c, decision, refused) = await HandoffAllowedAsync(user, register, id, reason, "Een zaak bij de ontvanger", "Geen zaak aangemaakt", ct);
        if (refused is not null) return refused;
        if (recipient is null || !settings.ZgwRecipients.TryGetValue(recipient, out var to))
            return View.Message(user, "Onbekende ontvanger", "Kies een ontvanger met een gekoppeld zaaksysteem.", 400, Back(id));
        var h = await BeginHandoffAsync(user, c!, "handoff-zaak", recipient, reason!, register, audit, clock, identities, settings, ct);
        Pipeline.ZgwZaak zaak;
        try { zaak = await zgw.CreateAsync(to, c!, decision!, h.Identity, h.Explanation, ct); }
        catch (Pipeline.ZgwHandoffException e) { return View.Message(user, "Zaaksysteem weigert", $"Er is geen zaak aangemaakt: {e.Message}. Probeer het later opnieuw of gebruik het overdrachtsdocument.", 502, Back(id), "Geen zaak aangemaakt"); }
        await register.Phase1StepAsync(id, p => p with { Handoffs = [.. p.Handoffs, new Handoff("zaak", recipient, user.Name, h.At, zaak.ZaakUrl)] }, "overdracht",
            user.Name, $"zaak {zaak.Identificatie ?? zaak.ZaakUrl} bij {recipient}", ct);
        return TypedResults.Redirect(Back(id));
    }

    /// <summary>A hand-off belongs to a decision for the police or another department, and needs a written reason.</summary>
    static async Task<(SignalState? Signal, Phase1Decision? Decision, RazorComponentResult<MessagePage>? Refused)> HandoffAllowedAsync(Principal user, CandidateRegister register,
        string id, string? reason, string what, string nothing, CancellationToken ct)
    {
        if (await register.GetAsync(id, ct) is not { } c) return (null, null, View.SignalNotFound(user));
        if (c.Phase1?.Decision is not { Route: Phase1Route.Police or Phase1Route.Department } decision)
            return (c, null, View.Message(user, "Geen overdracht", $"{what} hoort bij een besluit om naar de politie of een andere afdeling te gaan.", 409, Back(id)));
        if (ActionEndpoints.ReasonProblem(reason) is { } problem) return (c, decision, View.Message(user, "Reden ontbreekt", problem, 400, Back(id), nothing));
        return (c, decision, null);
    }

    sealed record HandoffStart(DateTimeOffset At, Pipeline.RevealedIdentity Identity, string Explanation);

    /// <summary>Audit first (if the trace cannot be written, nothing leaves), then the identity and the explanation.</summary>
    static async Task<HandoffStart> BeginHandoffAsync(Principal user, SignalState c, string action, string recipient, string reason, CandidateRegister register, AuditLog audit,
        TimeProvider clock, Pipeline.IdentityResolver identities, Configuration.PipelineSettings settings, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        await audit.WriteAsync(new AuditEntry(at, user.Name, string.Join(",", user.Roles), action, c.SignalId, reason.Trim(), recipient), ct);
        var identity = await identities.RevealSignalAsync(c, register, ct);
        return new HandoffStart(at, identity, Analysis.Models.ModelCatalogue.Explain(c.Model, c.Evidence, settings.ModelParameters));
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> FeedbackAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        string id, [FromForm] string? kind, [FromForm] string? by, [FromForm] string? text, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (await register.GetAsync(id, ct) is not { } c) return View.SignalNotFound(user);
        if (c.Review != ReviewState.Registered) return View.Message(user, "Geen terugkoppeling", "Terugkoppeling hoort bij een signaal dat is doorgezet.", 409, Back(id));
        var result = kind switch
        {
            "beeindigd" => "proces beëindigd" + (string.IsNullOrWhiteSpace(text) ? "" : $": {text.Trim()}"),
            "voortgezet" when !string.IsNullOrWhiteSpace(by) => $"voortgezet door {by.Trim()}" + (string.IsNullOrWhiteSpace(text) ? "" : $": {text.Trim()}"),
            _ => null,
        };
        if (result is null) return View.Message(user, "Terugkoppeling onvolledig", "Kies: proces beëindigd, of voortgezet door (wie).", 400, Back(id), "Niets vastgelegd");
        var at = clock.GetUtcNow();
        var change = await register.Phase1StepAsync(id, p => p with { Feedback = [.. p.Feedback, new Feedback(result, kind == "beeindigd", user.Name, at)] }, "terugkoppeling", user.Name, result, ct);
        if (change == Change.Restricted) return View.Message(user, "Verwerking beperkt", "Een verzoek tot beperking (art. 18 AVG) loopt.", 409, Back(id));
        // "Proces beëindigd" is the end result: the retention's year starts (protocol art. 12).
        if (kind == "beeindigd") await register.RecordEndResultAsync(id, result, user.Name, ct);
        await audit.WriteAsync(new AuditEntry(at, user.Name, string.Join(",", user.Roles), "feedback", id, null, result), ct);
        return TypedResults.Redirect(Back(id));
    }

    static async Task<RazorComponentResult<SignalListPage>> PhaseTwoAsync(HttpContext http, CandidateRegister register, Configuration.PipelineSettings settings, CancellationToken ct)
    {
        var rows = (await register.ListAsync(ct)).Where(c => c.Phase1?.Decision?.Route == Phase1Route.Phase2).OrderByDescending(c => c.Phase1!.Decision!.At).ToList();
        return View.Page<SignalListPage>(new
        {
            User = Principal.From(http)!, Filter = new SignalFilter(null, null, null, null, null, null, true, 1), Rows = rows, Total = rows.Count,
            Heading = "Fase 2 — signalen waarvan de zwaarte wordt bepaald",
            Explain = (Func<SignalState, string>)(c => Analysis.Models.ModelCatalogue.Explain(c.Model, c.Evidence, settings.ModelParameters)),
        });
    }

    static async Task<Results<RazorComponentResult<DossierPage>, RazorComponentResult<MessagePage>>> DossierAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        Configuration.PipelineSettings settings, DossierStore dossiers, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, string obj, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var signals = (await register.ListAsync(ct)).Where(c => c.Object == obj).OrderBy(c => c.FirstRunId, StringComparer.Ordinal).ToList();
        if (signals.Count == 0) return View.Message(user, "Niet gevonden", "Geen signalen over dit object.", 404, "/review", "Dossier niet gevonden");
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "view-dossier", null, null, $"{signals.Count} signals on one object"), ct);
        var observations = new Dictionary<string, IReadOnlyList<Observation>>();
        foreach (var s in signals) observations[s.SignalId] = await register.ObservationsAsync(s.SignalId, ct);
        var (assignee, assignedBy, assignedAt, notes) = await dossiers.GetAsync(obj, ct);
        return View.Page<DossierPage>(new
        {
            User = user, Object = obj, Signals = signals, Observations = observations, Notes = notes,
            Assignment = assignee is null ? null : $"{assignee} (door {assignedBy}, {(assignedAt is { } a ? Words.DateTime(a) : "")})",
            Tokens = user.IsAny(Principal.Coordinator) ? antiforgery.GetAndStoreTokens(http) : null,
            Explain = (Func<SignalState, string>)(c => Analysis.Models.ModelCatalogue.Explain(c.Model, c.Evidence, settings.ModelParameters)),
        });
    }

    /// <summary>A note on the object's dossier, audited (the note's text is the coordinator's own words about an object).</summary>
    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> NoteAsync(HttpContext http, CandidateRegister register, DossierStore dossiers, AuditLog audit, TimeProvider clock,
        string obj, [FromForm] string? text, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (ActionEndpoints.ReasonProblem(text) is { } problem) return View.Message(user, "Notitie te kort", problem, 400, $"/review/objecten/{obj}");
        if (!(await register.ListAsync(ct)).Any(c => c.Object == obj)) return View.Message(user, "Niet gevonden", "Geen signalen over dit object.", 404, "/review");
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "dossier-note", null, null, $"note on one object ({text!.Trim().Length} characters)"), ct);
        await dossiers.AddNoteAsync(obj, text.Trim(), user.Name, ct);
        return TypedResults.Redirect($"/review/objecten/{obj}");
    }

    /// <summary>Assigns the object's dossier to a colleague (a name as the identity provider knows it; whether that person
    /// holds a signal role is the identity provider's to enforce when they open it), audited.</summary>
    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> AssignAsync(HttpContext http, CandidateRegister register, DossierStore dossiers, AuditLog audit, TimeProvider clock,
        string obj, [FromForm] string? colleague, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (string.IsNullOrWhiteSpace(colleague) || colleague.Trim().Length > 120) return View.Message(user, "Collega ontbreekt", "Noem de collega (naam of account).", 400, $"/review/objecten/{obj}");
        if (!(await register.ListAsync(ct)).Any(c => c.Object == obj)) return View.Message(user, "Niet gevonden", "Geen signalen over dit object.", 404, "/review");
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "dossier-assign", null, null, $"assigned to {colleague.Trim()}"), ct);
        await dossiers.AssignAsync(obj, colleague.Trim(), user.Name, ct);
        return TypedResults.Redirect($"/review/objecten/{obj}");
    }

    static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> StepAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        string id, Func<Phase1Record, Phase1Record> step, string evt, string detail, string action)
    {
        var user = Principal.From(http)!;
        var c = await register.GetAsync(id, http.RequestAborted);
        if (c is null) return View.SignalNotFound(user);
        if (c.Review != ReviewState.Open) return View.Message(user, "Al besloten", "Over dit signaal is al besloten; de weging ligt vast.", 409, Back(id));
        var change = await register.Phase1StepAsync(id, step, evt, user.Name, detail, http.RequestAborted);
        if (change == Change.Restricted) return View.Message(user, "Verwerking beperkt", "Een verzoek tot beperking (art. 18 AVG) loopt.", 409, Back(id));
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), action, id, null, detail), http.RequestAborted);
        return TypedResults.Redirect(Back(id));
    }
}
