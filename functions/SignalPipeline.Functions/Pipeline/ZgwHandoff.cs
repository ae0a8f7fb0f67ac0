using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Functions.Pipeline;

using SignalPipeline.Functions.Configuration;

/// <summary>What was created for a hand-off: the zaak, its rol and its zaakobject (URLs), and the zaak's identificatie.</summary>
public sealed record ZgwZaak(string ZaakUrl, string? Identificatie, string RolUrl, string ZaakObjectUrl);

/// <summary>A zaaksysteem refused or could not be reached; nothing was recorded on the signal.</summary>
public sealed class ZgwHandoffException(string message) : Exception(message);

/// <summary>The hand-off through the recipient's zaaksysteem (protocol Fase 1, stap 4): creates the zaak, a rol for the
/// coordinator as the one who hands it over (never a person from the signal), and the verblijfsobject as zaakobject.
/// Only what the recipient needs: the explanation, the motivation and the object.</summary>
public sealed class ZgwHandoffService(HttpClient http, TimeProvider clock)
{
    public async Task<ZgwZaak> CreateAsync(ZgwRecipient to, SignalState signal, Phase1Decision decision, RevealedIdentity identity, string explanation, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd");
        var zaak = await PostAsync(to, "zaken", new JsonObject
        {
            ["zaaktype"] = to.Zaaktype,
            ["bronorganisatie"] = to.Bronorganisatie,
            ["verantwoordelijkeOrganisatie"] = to.Bronorganisatie,
            ["registratiedatum"] = today,
            ["startdatum"] = today,
            ["omschrijving"] = Clip($"Signaal ondermijning: {signal.Theme}", 80),
            ["toelichting"] = Clip($"{explanation} Motivering fase 1: {decision.Motivation}", 1000),
            ["vertrouwelijkheidaanduiding"] = "vertrouwelijk",
        }, ct);
        var zaakUrl = zaak["url"]?.GetValue<string>() ?? throw new ZgwHandoffException("the zaaksysteem answered without the zaak's url");
        var rol = await PostAsync(to, "rollen", new JsonObject
        {
            ["zaak"] = zaakUrl,
            ["betrokkeneType"] = "organisatorische_eenheid",
            ["roltype"] = to.Roltype,
            ["roltoelichting"] = "overgedragen door de informatiecoördinator ondermijning",
            ["betrokkeneIdentificatie"] = new JsonObject { ["identificatie"] = "informatiecoordinator-ondermijning", ["naam"] = "Informatiecoördinator ondermijning" },
        }, ct);
        var zaakobject = await PostAsync(to, "zaakobjecten", new JsonObject
        {
            ["zaak"] = zaakUrl,
            ["objectType"] = "overige",
            ["objectTypeOverige"] = "verblijfsobject",
            ["relatieomschrijving"] = "object van het signaal",
            ["objectIdentificatie"] = new JsonObject
            {
                ["overigeData"] = new JsonObject { ["verblijfsobjectId"] = identity.VerblijfsobjectId, ["adres"] = identity.AddressWithTown },
            },
        }, ct);
        return new ZgwZaak(zaakUrl, zaak["identificatie"]?.GetValue<string>(), rol["url"]?.GetValue<string>() ?? "", zaakobject["url"]?.GetValue<string>() ?? "");
    }

    async Task<JsonObject> PostAsync(ZgwRecipient to, string resource, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{to.ZakenApi.TrimEnd('/')}/{resource}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", Jwt(to));
        // The Zaken API asks for the coordinate system of geometry on every write, even without geometry.
        request.Headers.Add("Accept-Crs", "EPSG:4326");
        request.Content.Headers.Add("Content-Crs", "EPSG:4326");
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct); }
        catch (HttpRequestException e) { throw new ZgwHandoffException($"the zaaksysteem at {new Uri(to.ZakenApi).Host} could not be reached ({e.HttpRequestError})"); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw new ZgwHandoffException($"the zaaksysteem at {new Uri(to.ZakenApi).Host} did not answer in time"); }
        using (response)
        {
            // The answer may echo what was sent: only the status is reported, never the body.
            if (!response.IsSuccessStatusCode) throw new ZgwHandoffException($"the zaaksysteem refused the {resource} ({(int)response.StatusCode})");
            return (await response.Content.ReadFromJsonAsync<JsonObject>(ct)) ?? throw new ZgwHandoffException($"the zaaksysteem answered the {resource} without a body");
        }
    }

    /// <summary>ZGW authorisation: a JWT signed with the shared secret (HS256), client id as issuer and claim.</summary>
    string Jwt(ZgwRecipient to)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var payload = B64(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["iss"] = to.ClientId, ["client_id"] = to.ClientId, ["iat"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["user_id"] = "signalpipeline", ["user_representation"] = "Informatiecoördinator ondermijning",
        }.ToJsonString()));
        var signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(to.Secret), Encoding.UTF8.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
