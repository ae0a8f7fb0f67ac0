using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>A local stand-in for a recipient's Zaken API (ZGW 1.5): accepts POST zaken, rollen and zaakobjecten on
/// loopback, checks each body against the published OpenAPI document (../shared/formats/zgw/spec/zaken-openapi.yaml,
/// the *Request schemas), the JWT's HS256 signature and the Content-Crs header, and answers 201 with a url as Open Zaak
/// does, or 400 with what was wrong. Everything it received is kept for the test to read.</summary>
public sealed class ZgwFake : IDisposable
{
    public const string Secret = "zgw-test-secret-0123456789abcdef";
    static readonly Lazy<OpenApiRequestValidator> Spec = new(() => new OpenApiRequestValidator(SpecPath()));
    readonly HttpListener listener = new();
    readonly CancellationTokenSource stop = new();
    public int Port { get; }
    public string ZakenApi => $"http://127.0.0.1:{Port}/zaken/api/v1";
    public List<(string Resource, JsonObject Body, List<string> Errors)> Received { get; } = [];

    public ZgwFake()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    static string SpecPath()
    {
        var root = SignalPipeline.Functions.Configuration.PipelineSettings.FindProjectRoot();
        foreach (var candidate in new[] { Path.Combine(root, "tests", "fixtures", "formats", "zgw", "zaken-openapi.yaml") })
            if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException("tests/fixtures/formats/zgw/zaken-openapi.yaml (the ZGW Zaken API spec) is missing");
    }

    /// <summary>The settings that make the program hand off to this fake as recipient <paramref name="name"/>.</summary>
    public Dictionary<string, string?> Settings(string name) => new()
    {
        [$"Zgw:Recipients:{name}:ZakenApi"] = ZakenApi,
        [$"Zgw:Recipients:{name}:Zaaktype"] = $"http://127.0.0.1:{Port}/catalogi/api/v1/zaaktypen/4f6a1f0e-0d8e-4bfb-9b0c-1d1d3d9b3a11",
        [$"Zgw:Recipients:{name}:Roltype"] = $"http://127.0.0.1:{Port}/catalogi/api/v1/roltypen/6c3f0e4e-2a55-4c54-a0a2-9d1f6f3b8e22",
        [$"Zgw:Recipients:{name}:Bronorganisatie"] = "002220647",
        [$"Zgw:Recipients:{name}:ClientId"] = "signalpipeline-test",
        [$"Zgw:Recipients:{name}:Secret"] = Secret,
    };

    async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); } catch (Exception) when (stop.IsCancellationRequested) { return; } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
            try { await HandleAsync(ctx); }
            catch (Exception e) { ctx.Response.StatusCode = 500; await Write(ctx, new JsonObject { ["detail"] = e.Message }); }
        }
    }

    async Task HandleAsync(HttpListenerContext ctx)
    {
        var resource = ctx.Request.Url!.AbsolutePath.TrimEnd('/').Split('/').Last();
        var schema = resource switch { "zaken" => "ZaakRequest", "rollen" => "RolRequest", "zaakobjecten" => "ZaakObjectRequest", _ => null };
        if (ctx.Request.HttpMethod != "POST" || schema is null) { ctx.Response.StatusCode = 404; ctx.Response.Close(); return; }
        using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        var errors = Spec.Value.Validate(body, schema);
        if (!ValidJwt(ctx.Request.Headers["Authorization"])) errors.Add("Authorization: no valid ZGW JWT (HS256 with the shared secret)");
        if (ctx.Request.Headers["Content-Crs"] is null) errors.Add("Content-Crs header missing");
        lock (Received) Received.Add((resource, body, errors));
        if (errors.Count > 0) { ctx.Response.StatusCode = 400; await Write(ctx, new JsonObject { ["invalidParams"] = new JsonArray(errors.Select(e => (JsonNode)e).ToArray()) }); return; }
        var response = JsonNode.Parse(body.ToJsonString())!.AsObject();
        response["url"] = $"{ZakenApi}/{resource}/{Guid.NewGuid()}";
        if (resource == "zaken") response["identificatie"] = $"ZAAK-{Received.Count:D4}";
        ctx.Response.StatusCode = 201;
        await Write(ctx, response);
    }

    static bool ValidJwt(string? header)
    {
        if (header is not { } h || !h.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        var parts = h["Bearer ".Length..].Split('.');
        if (parts.Length != 3) return false;
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{parts[0]}.{parts[1]}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return expected == parts[2];
    }

    static async Task Write(HttpListenerContext ctx, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        ctx.Response.ContentType = "application/json";
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
    }
}
