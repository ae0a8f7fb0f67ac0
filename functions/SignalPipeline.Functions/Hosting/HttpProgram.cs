using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using SignalPipeline.Functions.Triggers;
using SignalPipeline.Functions.Review;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;
using SignalPipeline.Functions.Review.Pages;

namespace SignalPipeline.Functions.Hosting;

/// <summary>The HTTP program the Functions host runs as a custom handler: one POST route per non-HTTP function
/// (<c>/{FunctionName}</c>, invocation payload in, Outputs/Logs/ReturnValue out) — mapped only when the host started
/// the program — and the forwarded HTTP routes of the review UI.</summary>
public static class HttpProgram
{
    static readonly JsonSerializerOptions RequestJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Every response: no inline script or style, no framing, no sniffing, no referrer.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <param name="invocationRoutes">Map the function-invocation routes: only under the Functions host, never for
    /// <c>serve</c> by hand or <c>demo</c> (anyone who reaches the port could post a forged signal into intake).</param>
    public static WebApplication Build(AppServices services, string urls, bool invocationRoutes)
    {
        var settings = services.Settings;
        if (settings.DevSignIn && !string.Equals(settings.EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Review:DevSignIn is on in the {settings.EnvironmentName} environment; the development sign-in is only allowed in Development. Switch it off: App Service authentication signs users in.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        AddServices(builder.Services, services);
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton(View.Encoder);
        builder.Services.AddReviewIdentity(settings);
        builder.Services.AddAntiforgery(o => { o.HeaderName = "X-CSRF-TOKEN"; o.Cookie.Name = "sp-af"; o.Cookie.SameSite = SameSiteMode.Strict; });
        var app = builder.Build();

        app.Use(SecurityHeaders);
        app.Use(Failures);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.Use(ExpiredForms);

        if (invocationRoutes)
        {
            MapInvocation(app, IngestExtractFunction.Name, (req, ct) => new IngestExtractFunction(services.Ingest).InvokeAsync(req, ct));
            MapInvocation(app, NightlyRunFunction.Name, (req, ct) => new NightlyRunFunction(services.Nightly, services.Settings, services.Clock).InvokeAsync(req, ct));
            MapInvocation(app, IntakeSignalFunction.Name, (req, ct) => new IntakeSignalFunction(services.Intake).InvokeAsync(req, ct));
            MapInvocation(app, RetentionFunction.Name, (req, ct) => new RetentionFunction(services.Retention).InvokeAsync(req, ct));
        }
        app.MapGet("/", () => Results.Redirect("/review")).AllowAnonymous();
        ReviewEndpoints.Map(app, settings);
        return app;
    }

    /// <summary>What the review handlers ask for, each from the one composition root: a handler names the services it
    /// uses, not a locator that hands out everything.</summary>
    static void AddServices(IServiceCollection di, AppServices services)
    {
        di.AddSingleton(services.Settings);
        di.AddSingleton(services.Clock);
        di.AddSingleton(new RegisterInForce(services.ViewRegister));
        di.AddSingleton(services.DpiaRegisters);
        di.AddSingleton(services.Checklists);
        di.AddSingleton(services.Zgw);
        di.AddSingleton(services.Dossiers);
        di.AddSingleton(services.Register);
        di.AddSingleton(services.Runs);
        di.AddSingleton(services.Snapshots);
        di.AddSingleton(services.Audit);
        di.AddSingleton(services.Lineage);
        di.AddSingleton(services.Identities);
        di.AddSingleton(services.Intake);
        di.AddSingleton(services.Subjects);
        di.AddSingleton(new Storage.RequestRegister(services.Storage));
    }

    static async Task SecurityHeaders(HttpContext http, RequestDelegate next)
    {
        // Every review page may show signal or person data: never stored by a browser or proxy. Set before the page
        // runs, so anti-forgery finds it done (and does not warn that it had to).
        if (!http.Request.Path.Equals(Stylesheet.Path))
        {
            http.Response.Headers.CacheControl = "no-cache, no-store";
            http.Response.Headers.Pragma = "no-cache";
        }
        http.Response.OnStarting(() =>
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        await next(http);
    }

    /// <summary>An unexpected failure is a Dutch page without details (they could carry data), never a stack trace.</summary>
    static async Task Failures(HttpContext http, RequestDelegate next)
    {
        try { await next(http); }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SignalPipeline").LogError("Request {Path} failed: {Type}", http.Request.Path.Value, e.GetType().Name);
            http.Response.Clear();
            http.Response.Headers.CacheControl = "no-cache, no-store";
            await View.Message(null, "Fout", "Er is niets vastgelegd. Probeer het opnieuw; meld het bij beheer als het blijft gebeuren.", 500, heading: "Er ging iets mis").ExecuteAsync(http);
        }
    }

    /// <summary>A form whose anti-forgery token expired, or belongs to another signed-in user: a Dutch page, nothing done.</summary>
    static async Task ExpiredForms(HttpContext http, RequestDelegate next)
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            await View.Message(Principal.From(http), "Formulier verlopen", "Dit formulier is verlopen of hoort bij een andere aanmelding. Er is niets vastgelegd. " +
                "Ga terug, laad de pagina opnieuw en probeer het nog eens.", StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    static void MapInvocation(WebApplication app, string name, Func<InvocationRequest, CancellationToken, Task<(int, InvocationResponse)>> handler) =>
        app.MapPost("/" + name, async (HttpRequest http, CancellationToken ct) =>
        {
            // The host posts from the same machine; anything else is not the host.
            if (http.HttpContext.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip)) return Results.NotFound();
            InvocationRequest? request;
            try { request = await JsonSerializer.DeserializeAsync<InvocationRequest>(http.Body, RequestJson, ct); }
            catch (JsonException) { request = null; }
            if (request is null)
                return Results.Json(InvocationResponse.Ok([$"{name}: the invocation payload is not valid JSON"]), InvocationResponse.HostJson, statusCode: 400);
            try
            {
                var (status, response) = await handler(request, ct);
                return Results.Json(response, InvocationResponse.HostJson, statusCode: status);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Exception messages of this code base carry no identifiers; the type and message are enough to act on.
                return Results.Json(InvocationResponse.Ok([$"{name} failed: {e.GetType().Name}: {e.Message}"]), InvocationResponse.HostJson, statusCode: 500);
            }
        }).AllowAnonymous().DisableAntiforgery();
}
