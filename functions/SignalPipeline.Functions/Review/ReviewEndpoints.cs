using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Functions.Configuration;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Review.Pages;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>The coordinator's review UI (Dutch), forwarded by the Functions host from the <c>Review</c> HTTP function.
/// Endpoints stay thin: read the register, render a page component.</summary>
public static class ReviewEndpoints
{
    /// <summary>The review UI and API as endpoint groups, one per audience, each requiring its policy.</summary>
    public static void Map(WebApplication app, PipelineSettings settings)
    {
        var signals = app.MapGroup("/review").RequireAuthorization(Policies.Signals);
        var coordinator = app.MapGroup("/review").RequireAuthorization(Policies.Coordinator);
        var oversight = app.MapGroup("/review").RequireAuthorization(Policies.Oversight);
        var dpia = app.MapGroup("/review").RequireAuthorization(Policies.DpiaReviewer);
        app.MapGet(Stylesheet.Path, () => Results.Text(Stylesheet.Css, "text/css; charset=utf-8")).AllowAnonymous();
        // Browsers ask for an icon on every page; an empty answer keeps their consoles free of 404s.
        app.MapGet("/favicon.ico", () => TypedResults.NoContent()).AllowAnonymous();
        signals.MapGet("", ListAsync);
        signals.MapGet("/signals/{id}", SignalAsync);
        ActionEndpoints.Map(coordinator);
        SubjectEndpoints.Map(coordinator);
        ReviewerEndpoints.Map(oversight, dpia);
        DpiaEndpoints.Map(oversight, dpia);
        Phase1Endpoints.Map(coordinator, signals);
        if (settings.DevSignIn) ReviewIdentity.MapDevSignIn(app);
    }

    /// <summary>Undecided, active candidates that expire within the warning term, soonest first.</summary>
    static List<(Analysis.Signals.SignalState, DateTimeOffset)> ExpiringSoon(IEnumerable<Analysis.Signals.SignalState> all, RetentionTerms terms, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return all.Where(c => c.Review == Analysis.Signals.ReviewState.Open && c.IsActive)
            .Select(c => (c, At: terms.ExpiresAt(c)))
            .Where(x => x.At <= now.AddDays(terms.UndecidedWarningDays)).OrderBy(x => x.At).ToList();
    }

    static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>One register query per page: the list, its filter options and the count come from the same read.</summary>
    static async Task<RazorComponentResult<SignalListPage>> ListAsync(HttpContext http, CandidateRegister register, IntakeService intake, RequestRegister requests, PipelineSettings settings, TimeProvider clock,
        RegisterInForce inForce, string? model, string? theme, string? status, string? state, string? from, string? to, string? inactive, int? page, CancellationToken ct)
    {
        // Dates come as the coordinator types them (dd-mm-jjjj) or as ISO; the filter compares ISO dates.
        var filter = new SignalFilter(model, theme, status, state, Words.ParseDate(from)?.ToString("yyyy-MM-dd"), Words.ParseDate(to)?.ToString("yyyy-MM-dd"), inactive == "1", Math.Max(1, page ?? 1));
        var all = await register.ListAsync(ct);
        // A suspended model's open candidates leave the list at once (kept and marked; shown with "ook niet-actieve").
        var suspended = await SuspendedModelsAsync(inForce, ct);
        var withdrawn = all.Where(c => c.Review == Analysis.Signals.ReviewState.Open && suspended.Contains(c.Model)).ToList();
        var filtered = filter.Apply(filter.Inactive ? all : all.Except(withdrawn).ToList());
        return View.Page<SignalListPage>(new
        {
            User = Principal.From(http)!,
            Filter = filter,
            Rows = filtered.Skip((filter.Page - 1) * SignalFilter.PageSize).Take(SignalFilter.PageSize).ToList(),
            Total = filtered.Count,
            Models = all.Select(c => c.Model).Distinct().Order().ToList(),
            Themes = all.Select(c => c.Theme).Distinct().Order().ToList(),
            IntakeErrors = await intake.ErrorsAsync(ct),
            ExpiringSoon = ExpiringSoon(all, settings.Retention, clock),
            UndecidedDays = settings.Retention.UndecidedDays,
            OverdueRequests = Principal.From(http)!.IsAny(Principal.Coordinator) ? (await requests.ListAsync(ct)).Count(r => r.Overdue(Today(clock))) : 0,
            DutyReviewsDue = all.Where(c => c.InformationDuty?.ReviewDue(Today(clock)) == true).OrderBy(c => c.InformationDuty!.ReviewBy).ToList(),
            Explain = (Func<Analysis.Signals.SignalState, string>)(c => ModelCatalogue.Explain(c.Model, c.Evidence, settings.ModelParameters)),
            Withdrawn = withdrawn.Count, SuspendedModels = suspended,
        });
    }

    static async Task<IReadOnlySet<string>> SuspendedModelsAsync(RegisterInForce inForce, CancellationToken ct) =>
        (await inForce.LoadAsync(ct)).Models.Where(m => m.Status == Analysis.Register.ApprovalStatus.Suspended).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);

    static async Task<Results<RazorComponentResult<SignalPage>, RazorComponentResult<MessagePage>>> SignalAsync(HttpContext http, CandidateRegister register, AuditLog audit, TimeProvider clock, PipelineSettings settings, IAntiforgery antiforgery,
        RegisterInForce inForce, ChecklistStore checklists, string id, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (await register.GetAsync(id, ct) is not { } c) return View.SignalNotFound(user);
        await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "view", id, null, null), ct);
        var suspended = (await SuspendedModelsAsync(inForce, ct)).Contains(c.Model);
        return View.Page<SignalPage>(new
        {
            User = user,
            Signal = c,
            Explanation = ModelCatalogue.Explain(c.Model, c.Evidence, settings.ModelParameters),
            Observations = await register.ObservationsAsync(id, ct),
            History = await register.HistoryAsync(id, ct),
            // A suspended model's signal is not processed further: no actions until the model is approved again.
            Tokens = user.IsAny(Principal.Coordinator) && !suspended ? antiforgery.GetAndStoreTokens(http) : null,
            Today = Today(clock),
            ModelSuspended = suspended,
            ZgwRecipients = settings.ZgwRecipients.Keys.Order().ToList(),
            Territory = settings.Territory,
            Checklist = c.Review == Analysis.Signals.ReviewState.Open && user.IsAny(Principal.Coordinator) ? (await checklists.CurrentAsync(ct)).Checklist : null,
        });
    }
}
