using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Functions.Review.Pages;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>The DPIA register's lifecycle in the reviewer UI (models.md v2): versions with who proposed and who decided,
/// suspensions; a DPIA reviewer proposes, approves or rejects (never their own proposal) and suspends a model at once.
/// Thin: the rules live in <see cref="DpiaRegisterStore"/>.</summary>
public static class DpiaEndpoints
{
    public static void Map(RouteGroupBuilder oversight, RouteGroupBuilder dpia)
    {
        oversight.MapGet("/dpia", PageAsync);
        oversight.MapGet("/dpia/versions/{number:int}.json", DocumentAsync);
        dpia.MapPost("/dpia/versions", ProposeAsync);
        dpia.MapPost("/dpia/versions/{number:int}/besluit", DecideAsync);
        dpia.MapPost("/dpia/schorsen", SuspendAsync);
    }

    static async Task<RazorComponentResult<DpiaPage>> PageAsync(HttpContext http, DpiaRegisterStore store, Configuration.RegisterInForce inForce, IAntiforgery antiforgery, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        var current = await inForce.LoadAsync(ct); // installs the packaged register on first use
        return View.Page<DpiaPage>(new
        {
            User = user, Current = current, Versions = await store.VersionsAsync(ct), Suspensions = await store.SuspensionsAsync(ct),
            Tokens = user.IsAny(Principal.DpiaReviewer) ? antiforgery.GetAndStoreTokens(http) : null,
        });
    }

    static async Task<Results<ContentHttpResult, NotFound>> DocumentAsync(DpiaRegisterStore store, int number, CancellationToken ct)
    {
        try { return TypedResults.Text(Encoding.UTF8.GetString(await store.DocumentAsync(number, ct)), "application/json"); }
        catch (global::Azure.RequestFailedException e) when (e.Status == 404) { return TypedResults.NotFound(); }
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> ProposeAsync(HttpContext http, DpiaRegisterStore store,
        [FromForm] string? document, [FromForm] string? note, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        if (string.IsNullOrWhiteSpace(document)) return View.Message(user, "Leeg voorstel", "Plak de volledige JSON van het DPIA-register.", 400, "/review/dpia", "Niets voorgesteld");
        try { await store.ProposeAsync(Encoding.UTF8.GetBytes(document), user.Name, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct); }
        catch (RegisterException e) { return View.Message(user, "Ongeldig register", e.Message, 400, "/review/dpia", "Niets voorgesteld"); }
        return TypedResults.Redirect("/review/dpia");
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> DecideAsync(HttpContext http, DpiaRegisterStore store,
        int number, [FromForm] string? decision, [FromForm] string? note, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        try
        {
            if (decision == "approve") await store.ApproveAsync(number, user.Name, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct);
            else if (decision == "reject") await store.RejectAsync(number, user.Name, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct);
            else return View.Message(user, "Onbekend besluit", status: 400, backTo: "/review/dpia");
        }
        catch (RegisterRefusedException e) { return View.Message(user, "Geweigerd", e.Message, 403, "/review/dpia", "Besluit geweigerd", textId: "refused"); }
        return TypedResults.Redirect("/review/dpia");
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<MessagePage>>> SuspendAsync(HttpContext http, DpiaRegisterStore store,
        [FromForm] string? model, [FromForm] string? reason, CancellationToken ct)
    {
        var user = Principal.From(http)!;
        try { await store.SuspendAsync(model ?? "", reason ?? "", user.Name, ct); }
        catch (RegisterRefusedException e) { return View.Message(user, "Geweigerd", e.Message, 400, "/review/dpia", "Niet geschorst", textId: "refused"); }
        return TypedResults.Redirect("/review/dpia");
    }
}
