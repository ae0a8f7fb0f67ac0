using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Review.Pages;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>Data-subject requests (art. 14) and the postponed information duty (art. 13), for the coordinator only.
/// The BSN travels in a POST body, is pseudonymised at once and is never stored or echoed.</summary>
public static class SubjectEndpoints
{
    /// <summary>Mapped on the coordinator's group (policy <see cref="Policies.Coordinator"/>).</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/betrokkene", async (HttpContext http, IAntiforgery af, CancellationToken ct) => await FormAsync(http, af, ct: ct));
        group.MapPost("/betrokkene", SubjectRequestAsync);
        group.MapPost("/betrokkene/verzoeken", RegisterRequestAsync);
        group.MapPost("/betrokkene/verzoeken/{id}", UpdateRequestAsync);
        group.MapPost("/betrokkene/wissen", EraseAsync);
        group.MapPost("/signals/{id}/informatieplicht", PostponeInformationDutyAsync);
        group.MapPost("/signals/{id}/geinformeerd", RecordInformedAsync);
    }

    /// <summary>The request register and forms, with a result or a refusal above them.</summary>
    static async Task<RazorComponentResult<SubjectPage>> FormAsync(HttpContext http, IAntiforgery af, string? title = null, string? text = null, string? textId = null,
        SubjectReport? report = null, DateTimeOffset at = default, int status = StatusCodes.Status200OK, CancellationToken ct = default)
    {
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        return View.Page<SubjectPage>(new
        {
            User = Principal.From(http)!, Tokens = af.GetAndStoreTokens(http), Title = title ?? "Verzoek van een betrokkene",
            Text = text, TextId = textId, Report = report, At = at,
            Requests = await http.RequestServices.GetRequiredService<RequestRegister>().ListAsync(ct),
            Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
        }, status);
    }

    static async Task<RazorComponentResult<SubjectPage>> RegisterRequestAsync(HttpContext http, SubjectRequestService subjects, IAntiforgery af,
        [FromForm] string? bsn, [FromForm] string? type, [FromForm] string? received, [FromForm] string? reason, CancellationToken ct)
    {
        try
        {
            if (Words.ParseDate(received) is not { } on) throw new ArgumentException("geef de datum van ontvangst (dd-mm-jjjj)");
            var r = await subjects.RegisterRequestAsync(bsn ?? "", type ?? "", on, reason ?? "", Principal.From(http)!.Name, ct);
            return await FormAsync(http, af, "Verzoek vastgelegd", $"Verzoek {r.Id} vastgelegd; uiterlijk beantwoorden op {r.Deadline:yyyy-MM-dd}.", "request-registered", ct: ct);
        }
        catch (ArgumentException e) { return await FormAsync(http, af, "Verzoek niet vastgelegd", e.Message, status: StatusCodes.Status400BadRequest, ct: ct); }
    }

    static async Task<RazorComponentResult<SubjectPage>> UpdateRequestAsync(HttpContext http, SubjectRequestService subjects, IAntiforgery af,
        string id, [FromForm] string? action, [FromForm] string? text, CancellationToken ct)
    {
        try
        {
            var r = await subjects.UpdateRequestAsync(id, action ?? "", text ?? "", Principal.From(http)!.Name, ct);
            return r is null
                ? await FormAsync(http, af, "Niet vastgelegd", "Dit verzoek is al afgehandeld, al eens verlengd, of bestaat niet.", status: StatusCodes.Status409Conflict, ct: ct)
                : await FormAsync(http, af, "Verzoek bijgewerkt", $"Verzoek {r.Id}: {r.Status}, uiterlijk {r.Deadline:yyyy-MM-dd}.", "request-updated", ct: ct);
        }
        catch (ArgumentException e) { return await FormAsync(http, af, "Niet vastgelegd", e.Message, status: StatusCodes.Status400BadRequest, ct: ct); }
    }

    static async Task<Results<FileContentHttpResult, RazorComponentResult<SubjectPage>>> SubjectRequestAsync(HttpContext http, SubjectRequestService subjects, TimeProvider clock, IAntiforgery af,
        [FromForm] string? bsn, [FromForm] string? reason, [FromForm] string? action, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        try
        {
            if (action == "rectify")
            {
                var n = await subjects.RectifyAsync(bsn ?? "", reason ?? "", user.Name, ct);
                return await FormAsync(http, af, "Rectificatie vastgelegd", $"Bij {n} signalen staat nu in de geschiedenis dat de gegevens zijn betwist en in de bronregistratie gecorrigeerd.", "rectified");
            }
            var report = await subjects.FindAsync(bsn ?? "", reason ?? "", user.Name, ct);
            var at = clock.GetUtcNow();
            if (action == "download")
                return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(await Documents.SubjectReportAsync(report, at)), "text/html; charset=utf-8", $"inzageverzoek-{at:yyyyMMdd-HHmm}.html");
            return await FormAsync(http, af, "Inzageverzoek", report: report, at: at, ct: ct);
        }
        catch (ArgumentException e) { return await FormAsync(http, af, "Verzoek niet uitgevoerd", e.Message, status: StatusCodes.Status400BadRequest); }
    }

    static async Task<Results<RazorComponentResult<ConfirmErasePage>, RazorComponentResult<MessagePage>, RazorComponentResult<SubjectPage>>> EraseAsync(HttpContext http, SubjectRequestService subjects, IAntiforgery af, IDataProtectionProvider protection,
        [FromForm] string? bsn, [FromForm] string? reason, [FromForm] string? request, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var protector = protection.CreateProtector("SignalPipeline.Erasure").ToTimeLimitedDataProtector();
        try
        {
            if (request is null)
            {
                if (!Analysis.Extracts.Identifiers.TryBsn(bsn ?? "", out _, out var why)) throw new ArgumentException($"geen geldig BSN: {why}");
                if (ActionEndpoints.ReasonProblem(reason) is { } problem) throw new ArgumentException(problem);
                var pending = protector.Protect($"{user.Name}\n{bsn!.Trim()}\n{reason!.Trim()}", TimeSpan.FromMinutes(10));
                return View.Page<ConfirmErasePage>(new { User = user, Tokens = af.GetAndStoreTokens(http), Reason = reason.Trim(), Request = pending });
            }
            string[] parts;
            try { parts = protector.Unprotect(request).Split('\n', 3); }
            catch (System.Security.Cryptography.CryptographicException) { throw new ArgumentException("de bevestiging is verlopen of ongeldig; begin opnieuw"); }
            if (parts.Length != 3 || parts[0] != user.Name) throw new ArgumentException("de bevestiging hoort bij een andere aanmelding; begin opnieuw");
            var r = await subjects.EraseAsync(parts[1], parts[2], user.Name, ct);
            return View.Message(user, "Gewist", $"{r.SignalsChanged} signalen aangepast, {r.SignalsDeleted} verwijderd, {r.SnapshotRows} snapshotrijen met identiteitsenvelop verwijderd, " +
                $"{r.RunSignalSets} runresultaten aangepast. Vastgelegd in het auditlog met uw reden.", textId: "erasure");
        }
        catch (ArgumentException e) { return await FormAsync(http, af, "Niet gewist", e.Message, status: StatusCodes.Status400BadRequest); }
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> PostponeInformationDutyAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        string id, [FromForm] string? ground, [FromForm] string? reason, [FromForm] string? dependsOn, [FromForm] string? reviewBy, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var back = $"/review/signals/{Uri.EscapeDataString(id)}";
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (InformationDuty.GroundText(ground ?? "") is null || ActionEndpoints.ReasonProblem(reason) is not null
            || Words.ParseDate(reviewBy) is not { } review || review < today)
            return View.Message(user, "Onvolledig", $"Kies een grond uit art. 13 lid 1, geef een motivering van minstens {WrittenReason.MinLength} tekens en een datum vanaf vandaag om opnieuw te beoordelen.", 400, back, "Niet vastgelegd");
        var duty = new InformationDuty(ground!, reason!.Trim(), string.IsNullOrWhiteSpace(dependsOn) ? null : dependsOn.Trim(), review, clock.GetUtcNow(), user.Name);
        if (!await register.PostponeInformationDutyAsync(id, duty, ct)) return View.SignalNotFound(user);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "information-duty-postponed", id, reason!.Trim(),
            $"grond art. 13 lid 1 sub {ground}; herbeoordelen uiterlijk {review:yyyy-MM-dd}"), ct);
        return TypedResults.Redirect(back);
    }

    /// <summary>Protocol art. 13 lid 2: the person was informed after all — when and how.</summary>
    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> RecordInformedAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock,
        string id, [FromForm] string? on, [FromForm] string? how, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var back = $"/review/signals/{Uri.EscapeDataString(id)}";
        if (Words.ParseDate(on) is not { } date || date > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) || ActionEndpoints.ReasonProblem(how) is not null)
            return View.Message(user, "Onvolledig", $"Geef de datum (niet in de toekomst) en hoe de betrokkene is geïnformeerd, in minstens {WrittenReason.MinLength} tekens.", 400, back, "Niet vastgelegd");
        if (!await register.RecordInformedAsync(id, date, how!.Trim(), user.Name, ct))
            return View.Message(user, "Niet vastgelegd", "Bij dit signaal is de informatieplicht niet uitgesteld.", 404, back);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "data-subject-informed", id, how.Trim(), $"geïnformeerd op {date:yyyy-MM-dd}"), ct);
        return TypedResults.Redirect(back);
    }
}
