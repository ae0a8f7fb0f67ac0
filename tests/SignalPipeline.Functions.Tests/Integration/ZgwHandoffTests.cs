using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Review;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The phase-1 hand-off as a zaak in the recipient's zaaksysteem (ZGW Zaken API 1.5), against a local fake that
/// checks every body against the published OpenAPI document.</summary>
public sealed class ZgwHandoffTests
{
    static readonly OpenApiRequestValidator Spec = new(Path.Combine(Functions.Configuration.PipelineSettings.FindProjectRoot(), "tests", "fixtures", "formats", "zgw", "zaken-openapi.yaml"));

    [Fact]
    public void The_spec_check_accepts_a_recorded_Open_Zaak_request_and_names_what_is_wrong_in_a_broken_one()
    {
        var zaak = new JsonObject
        {
            ["zaaktype"] = "http://localhost:8003/catalogi/api/v1/zaaktypen/f609b6fe-449a-46dc-a0af-de55dc5f6774", ["bronorganisatie"] = "000000000",
            ["verantwoordelijkeOrganisatie"] = "000000000", ["registratiedatum"] = "2026-08-17", ["startdatum"] = "2026-08-17", ["omschrijving"] = "Form 242",
        };
        Assert.Empty(Spec.Validate(zaak, "ZaakRequest"));
        var broken = zaak.DeepClone().AsObject();
        broken.Remove("zaaktype");
        broken["bronorganisatie"] = "12345";
        broken["startdatum"] = "17-08-2026";
        broken["vertrouwelijkheidaanduiding"] = "heel geheim";
        var errors = Spec.Validate(broken, "ZaakRequest");
        Assert.Contains("$: zaaktype is required", errors);
        Assert.Contains("$.bronorganisatie: shorter than 9", errors);
        Assert.Contains("$.startdatum: not a date", errors);
        Assert.Contains(errors, e => e.StartsWith("$.vertrouwelijkheidaanduiding: 'heel geheim' is not one of"));
        var rol = new JsonObject { ["zaak"] = "http://x/zaken/1", ["betrokkeneType"] = "organisatorische_eenheid", ["roltype"] = "http://x/roltypen/1", ["roltoelichting"] = "t" };
        Assert.Empty(Spec.Validate(rol, "RolRequest"));
        rol["betrokkeneType"] = "robot";
        Assert.Contains(Spec.Validate(rol, "RolRequest"), e => e.Contains("unknown betrokkeneType 'robot'"));
        var zaakobject = new JsonObject { ["zaak"] = "http://x/zaken/1", ["objectType"] = "overige", ["objectTypeOverige"] = "verblijfsobject", ["objectIdentificatie"] = new JsonObject() };
        Assert.Contains("$.objectIdentificatie: overigeData is required", Spec.Validate(zaakobject, "ZaakObjectRequest"));
    }

    [Fact]
    public async Task Police_hand_off_creates_a_zaak_a_rol_and_a_zaakobject_that_meet_the_spec()
    {
        using var zgw = new ZgwFake();
        using var p = new PipelineUnderTest();
        foreach (var (k, v) in zgw.Settings("Politie Oost-Brabant")) p.Settings[k] = v;
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-11")).Code);
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var signal = (await new CandidateRegister(storage).ListAsync()).First(s => s.Model == "HHC").SignalId;
        using var program = new ProgramProcess(p.Settings);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = program.BaseAddress, DefaultRequestHeaders = { { "X-MS-CLIENT-PRINCIPAL", Principal.Encode("carla", Principal.Coordinator) } },
        };
        var token = Regex.Match(await http.GetStringAsync($"/review/signals/{signal}"), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        FormUrlEncodedContent Form(params (string, string)[] f) => new([new("__RequestVerificationToken", token), .. f.Select(x => new KeyValuePair<string, string>(x.Item1, x.Item2))]);
        Assert.Equal(HttpStatusCode.Redirect, (await http.PostAsync($"/review/signals/{signal}/weging1", Form(("indicator", "Vermoeden van strafbare feiten")))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.PostAsync($"/review/signals/{signal}/weging2", Form(("task", "ja"), ("territory", "ja"), ("basis", "object")))).StatusCode);
        // Before the decision there is nothing to hand off.
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/review/signals/{signal}/zaak", Form(("recipient", "Politie Oost-Brabant"), ("reason", "Overdracht zaak 2026-40")))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.PostAsync($"/review/signals/{signal}/decision", Form(("action", "politie"), ("reason", "Sluiting 13b en nieuwe meldingen: BOA maakt pv")))).StatusCode);
        var page = await http.GetStringAsync($"/review/signals/{signal}");
        Assert.Contains("id=\"zaak-form\"", page);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"/review/signals/{signal}/zaak", Form(("recipient", "Onbekend"), ("reason", "Overdracht zaak 2026-40")))).StatusCode);
        var created = await http.PostAsync($"/review/signals/{signal}/zaak", Form(("recipient", "Politie Oost-Brabant"), ("reason", "Overdracht zaak 2026-40")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        Assert.Equal(["zaken", "rollen", "zaakobjecten"], zgw.Received.Select(r => r.Resource));
        Assert.All(zgw.Received, r => Assert.True(r.Errors.Count == 0, $"{r.Resource}: {string.Join("; ", r.Errors)}"));
        var zaak = zgw.Received[0].Body;
        Assert.Equal("vertrouwelijk", zaak["vertrouwelijkheidaanduiding"]!.GetValue<string>());
        Assert.Contains("Motivering fase 1: Sluiting 13b", zaak["toelichting"]!.GetValue<string>());
        Assert.Equal("organisatorische_eenheid", zgw.Received[1].Body["betrokkeneType"]!.GetValue<string>()); // never a person from the signal
        var data = zgw.Received[2].Body["objectIdentificatie"]!["overigeData"]!;
        Assert.Matches("^1771[0-9]{12}$", data["verblijfsobjectId"]!.GetValue<string>());
        Assert.DoesNotMatch(@"\bV[0-9a-f]{20,}", string.Concat(zgw.Received.Select(r => r.Body.ToJsonString()))); // no pseudonyms leave

        var handoff = Assert.Single((await new CandidateRegister(storage).GetAsync(signal))!.Phase1!.Handoffs);
        Assert.Equal(("zaak", "Politie Oost-Brabant"), (handoff.Kind, handoff.Recipient));
        Assert.StartsWith(zgw.ZakenApi + "/zaken/", handoff.Reference);
        Assert.Contains((await new AuditLog(storage).ReadAllAsync()), a => a.Action == "handoff-zaak" && a.SignalId == signal && a.Reason == "Overdracht zaak 2026-40");
    }
}
