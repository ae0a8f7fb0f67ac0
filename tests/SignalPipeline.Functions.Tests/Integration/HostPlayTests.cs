using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Review;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Plays the Azure Functions host: POSTs the invocation payload of each trigger type to the running program
/// and checks the Outputs/Logs/ReturnValue answer; sends forwarded HTTP requests to the review UI with principals.</summary>
public sealed class HostPlayTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly TempDir dir = new();
    /// <summary>The host's own casing: Data, Metadata.</summary>
    static readonly JsonSerializerOptions HostFormat = new();

    static object Invocation(string binding, object payload, object? metadata = null) => new
    {
        Data = new Dictionary<string, object> { [binding] = payload },
        Metadata = metadata ?? new Dictionary<string, object> { ["sys"] = new { MethodName = "test", UtcNow = DateTime.UtcNow.ToString("O") } },
    };

    static async Task<JsonElement> Response(HttpResponseMessage r)
    {
        var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.True(json.TryGetProperty("Outputs", out _), "Outputs missing");
        Assert.True(json.TryGetProperty("Logs", out var logs) && logs.ValueKind == JsonValueKind.Array, "Logs missing");
        Assert.True(json.TryGetProperty("ReturnValue", out _), "ReturnValue missing");
        return json;
    }

    static string Logs(JsonElement json) => string.Join("\n", json.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));

    [Fact]
    public async Task Each_trigger_type_is_answered_in_the_custom_handler_format()
    {
        var settings = azurite.Settings(dir.Path);
        using var program = new ProgramProcess(settings);
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        var storage = new StorageClients(azurite.ConnectionString, null);
        await storage.EnsureCreatedAsync();
        var today = NightlyService.Today(TimeProvider.System);

        // A municipal system drops the extracts; Event Grid turns each BlobCreated into an extract-arrivals message.
        foreach (var file in SampleExtracts.Write(Path.Combine(dir.Path, "x"), today, new SampleOptions()))
        {
            var source = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!;
            var name = $"{source}/{today:yyyy-MM-dd}/{Path.GetFileName(file)}";
            await storage.Container(StorageClients.Extracts).GetBlobClient(name).UploadAsync(file, overwrite: true);
            var evt = new
            {
                topic = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa",
                subject = $"/blobServices/default/containers/extracts/blobs/{name}",
                eventType = "Microsoft.Storage.BlobCreated", id = Guid.NewGuid().ToString(), eventTime = DateTime.UtcNow,
                data = new { api = "PutBlob", url = $"https://sa.blob.core.windows.net/extracts/{name}", contentLength = new FileInfo(file).Length },
                dataVersion = "", metadataVersion = "1",
            };
            // The host hands the queue message over as a JSON string.
            var r = await http.PostAsJsonAsync("/IngestExtract", Invocation("event", JsonSerializer.Serialize(evt)), HostFormat);
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
            var json = await Response(r);
            Assert.Contains(": accepted", Logs(json));
            Assert.Equal("accepted", json.GetProperty("ReturnValue").GetProperty("outcome").GetString());

            // Delivered twice (Event Grid is at-least-once): nothing happens the second time.
            var again = await Response(await http.PostAsJsonAsync("/IngestExtract", Invocation("event", JsonSerializer.Serialize(evt)), HostFormat));
            Assert.Matches("gone|duplicate", again.GetProperty("ReturnValue").GetProperty("outcome").GetString());
        }

        var timer = new { Schedule = new { AdjustForDST = true }, ScheduleStatus = (object?)null, IsPastDue = false };
        var nightly = await http.PostAsJsonAsync("/NightlyRun", Invocation("timer", timer), HostFormat);
        Assert.Equal(HttpStatusCode.OK, nightly.StatusCode);
        var nightlyJson = await Response(nightly);
        Assert.Contains("OVB 2.0.0: ran, new 4", Logs(nightlyJson));
        Assert.Equal(11, nightlyJson.GetProperty("ReturnValue").GetProperty("queued").GetInt32()); // all six models' planted situations
        // The run completes only once every signal it raised is in the register: the nightly takes its own intake.
        Assert.Equal("completed", nightlyJson.GetProperty("ReturnValue").GetProperty("status").GetString());
        var register = new CandidateRegister(storage);
        var candidates = await register.ListAsync();
        Assert.Equal(11, candidates.Count);

        // The host delivers intake messages to IntakeSignal at least once: a re-delivered message changes nothing,
        // a message for a signal not yet in the register creates it.
        foreach (var c in candidates)
        {
            var message = SignalPipeline.Functions.Configuration.Json.Serialize(IntakeMessage.From((await register.ObservationsAsync(c.SignalId)).Single()));
            var twice = await Response(await http.PostAsJsonAsync("/IntakeSignal", Invocation("msg", message), HostFormat));
            Assert.Contains("already registered", Logs(twice));
        }
        var fresh = IntakeMessage.From((await register.ObservationsAsync(candidates[0].SignalId)).Single()) with { SignalId = "ZZZ-0000000000000000abcd" };
        var created = await http.PostAsJsonAsync("/IntakeSignal", Invocation("msg", SignalPipeline.Functions.Configuration.Json.Serialize(fresh)), HostFormat);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains(": created", Logs(await Response(created)));
        Assert.Equal(12, (await register.ListAsync()).Count);

        // A broken message fails with 500, so the host retries and finally poisons it.
        var bad = await http.PostAsJsonAsync("/IntakeSignal", Invocation("msg", "{\"schema\":\"other\"}"), HostFormat);
        Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
        Assert.Contains("unknown schema 'other'", Logs(await Response(bad)));

        var retention = await http.PostAsJsonAsync("/Retention", Invocation("timer", timer), HostFormat);
        Assert.Equal(HttpStatusCode.OK, retention.StatusCode);
        Assert.Contains("0 signals deleted", Logs(await Response(retention)));

        // HTTP requests are forwarded as they are, with App Service authentication's principal header.
        var noPrincipal = await http.GetAsync("/review");
        Assert.Equal(HttpStatusCode.Unauthorized, noPrincipal.StatusCode);
        var reviewer = new HttpRequestMessage(HttpMethod.Get, "/review");
        reviewer.Headers.Add("X-MS-CLIENT-PRINCIPAL", Principal.Encode("rev", Principal.DpiaReviewer));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(reviewer)).StatusCode);
        var coordinator = new HttpRequestMessage(HttpMethod.Get, "/review?model=OVB");
        coordinator.Headers.Add("X-MS-CLIENT-PRINCIPAL", Principal.Encode("coord", Principal.Coordinator));
        var page = await http.SendAsync(coordinator);
        Assert.True(page.StatusCode == HttpStatusCode.OK, program.Output);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("7 volwassen ingeschrevenen op 38 m²: 5,4 m² per persoon, norm 12", html);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(html, "href=\"/review/signals/OVB-").Count);
    }

    [Fact]
    public async Task Invalid_invocation_payload_is_a_400_with_logs()
    {
        using var program = new ProgramProcess(azurite.Settings(dir.Path));
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        var r = await http.PostAsync("/IngestExtract", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("not valid JSON", Logs(await Response(r)));
    }

    public void Dispose() => dir.Dispose();
}
