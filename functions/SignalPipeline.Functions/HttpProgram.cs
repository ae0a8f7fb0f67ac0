using System.Text.Json;
using SignalPipeline.Functions.Functions;
using SignalPipeline.Functions.Review;

namespace SignalPipeline.Functions;

/// <summary>The HTTP program the Functions host runs as a custom handler: one POST route per non-HTTP function
/// (<c>/{FunctionName}</c>, invocation payload in, Outputs/Logs/ReturnValue out) and the forwarded HTTP routes of
/// the review UI.</summary>
public static class HttpProgram
{
    static readonly JsonSerializerOptions RequestJson = new() { PropertyNameCaseInsensitive = true };

    public static WebApplication Build(AppServices services, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(services);
        builder.Services.AddAntiforgery(o => { o.HeaderName = "X-CSRF-TOKEN"; o.Cookie.Name = "sp-af"; });
        var app = builder.Build();
        app.UseAntiforgery();

        MapInvocation(app, IngestExtractFunction.Name, (req, ct) => new IngestExtractFunction(services.Ingest).InvokeAsync(req, ct));
        MapInvocation(app, NightlyRunFunction.Name, (req, ct) => new NightlyRunFunction(services.Nightly, services.Settings, services.Clock).InvokeAsync(req, ct));
        MapInvocation(app, IntakeSignalFunction.Name, (req, ct) => new IntakeSignalFunction(services.Intake).InvokeAsync(req, ct));
        MapInvocation(app, RetentionFunction.Name, (req, ct) => new RetentionFunction(services.Retention).InvokeAsync(req, ct));
        app.MapGet("/", () => Results.Redirect("/review"));
        ReviewEndpoints.Map(app, services);
        return app;
    }

    static void MapInvocation(WebApplication app, string name, Func<InvocationRequest, CancellationToken, Task<(int, InvocationResponse)>> handler) =>
        app.MapPost("/" + name, async (HttpRequest http, CancellationToken ct) =>
        {
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
        });
}
