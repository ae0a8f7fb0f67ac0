using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SignalPipeline.Functions.Configuration;
using SignalPipeline.Functions.Review.Pages;

namespace SignalPipeline.Functions.Review;

/// <summary>Who may see what (protocol art. 10.3, 11), as authorization policies that endpoint groups require.</summary>
public static class Policies
{
    /// <summary>The signalenregister: the coordinator (and deputy) and public-order staff.</summary>
    public const string Signals = "signals";
    /// <summary>Decide, reveal, data-subject requests: the coordinator only.</summary>
    public const string Coordinator = "coordinator";
    /// <summary>Runs, models, lineage: no signal content, no identities.</summary>
    public const string Oversight = "oversight";
    /// <summary>Shadow (experimental) models' would-be signals: the DPIA reviewer only.</summary>
    public const string DpiaReviewer = "dpia-reviewer";
}

/// <summary>Authentication for the review UI: App Service authentication's principal header, and in Development
/// only a signed, expiring development sign-in cookie (<c>Review:DevSignIn</c>).</summary>
public static class ReviewIdentity
{
    public const string AppServiceScheme = "AppService", DevScheme = "DevSignIn", SelectorScheme = "Review";

    public static IServiceCollection AddReviewIdentity(this IServiceCollection services, PipelineSettings settings)
    {
        var auth = services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "App Service or development sign-in", o => o.ForwardDefaultSelector = http =>
                !settings.DevSignIn || http.Request.Headers.ContainsKey(AppServiceAuthenticationHandler.Header) ? AppServiceScheme : DevScheme)
            .AddScheme<AppServiceAuthenticationOptions, AppServiceAuthenticationHandler>(AppServiceScheme, o => o.Enabled = settings.AppServiceAuthEnabled);
        if (settings.DevSignIn)
            auth.AddCookie(DevScheme, o =>
            {
                // Signed and encrypted by ASP.NET data protection; expires; never sent cross-site.
                o.Cookie.Name = "sp-dev-signin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = false;
            });
        services.AddAuthorization(o =>
        {
            o.AddPolicy(Policies.Signals, p => p.RequireRole(Principal.Coordinator, Principal.Oov));
            o.AddPolicy(Policies.Coordinator, p => p.RequireRole(Principal.Coordinator));
            o.AddPolicy(Policies.Oversight, p => p.RequireRole(Principal.DpiaReviewer, Principal.Coordinator, Principal.Admin));
            o.AddPolicy(Policies.DpiaReviewer, p => p.RequireRole(Principal.DpiaReviewer));
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, DutchRefusals>();
        return services;
    }

    /// <summary>The development sign-in (only mapped when it is on, which only Development allows).</summary>
    public static void MapDevSignIn(WebApplication app) =>
        app.MapGet("/review/dev-login", async (HttpContext http, string? role, string? name) =>
        {
            var r = role is Principal.Coordinator or Principal.Oov or Principal.DpiaReviewer or Principal.Admin ? role : Principal.Coordinator;
            var user = new Principal(name is { Length: > 0 and <= 80 } ? name : $"ontwikkelaar-{r}", new HashSet<string> { r }, true);
            await http.SignInAsync(DevScheme, user.ToClaimsPrincipal(DevScheme));
            return Results.Redirect(r is Principal.DpiaReviewer or Principal.Admin ? "/review/runs" : "/review");
        }).AllowAnonymous();

    /// <summary>401 and 403 as Dutch pages that say what to do, instead of an empty response.</summary>
    sealed class DutchRefusals : IAuthorizationMiddlewareResultHandler
    {
        readonly AuthorizationMiddlewareResultHandler fallback = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            if (result.Challenged)
            {
                var dev = context.RequestServices.GetRequiredService<PipelineSettings>().DevSignIn;
                await View.Page<NotSignedInPage>(new { DevSignIn = dev }, StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                return;
            }
            if (result.Forbidden)
            {
                var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles);
                await View.Message(Principal.From(context), "Geen toegang", $"Deze pagina is alleen voor de rollen {string.Join(", ", roles)} (protocol art. 10.3).",
                    StatusCodes.Status403Forbidden).ExecuteAsync(context);
                return;
            }
            await fallback.HandleAsync(next, context, policy, result);
        }
    }
}
