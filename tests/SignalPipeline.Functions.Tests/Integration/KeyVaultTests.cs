using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using SignalPipeline.Functions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Tests.Infrastructure;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Tests.Integration;

/// <summary>The Key Vault adapter with the real <see cref="SecretClient"/> (challenge-based auth, retries, JSON) over a
/// fake HTTP handler playing Key Vault; and ingestion failing closed when the vault is unreachable.</summary>
public sealed class KeyVaultTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    static readonly Uri Vault = new("https://sp-test.vault.azure.net/");
    readonly TempDir dir = new();

    /// <summary>Answers like Key Vault: 401 with a bearer challenge without a token, the secret with one.</summary>
    sealed class FakeVault(Dictionary<string, (string Value, string Version)> secrets, bool down = false) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath} auth={request.Headers.Authorization?.Scheme}");
            if (down) throw new HttpRequestException("connection refused");
            if (request.Headers.Authorization is null)
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("") };
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate",
                    "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"");
                return Task.FromResult(challenge);
            }
            var name = request.RequestUri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
            if (!secrets.TryGetValue(name, out var s))
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)
                { Content = new StringContent("{\"error\":{\"code\":\"SecretNotFound\",\"message\":\"not found\"}}", Encoding.UTF8, "application/json") });
            var body = $"{{\"value\":\"{s.Value}\",\"id\":\"{Vault}secrets/{name}/{s.Version}\",\"attributes\":{{\"enabled\":true}}}}";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext context, CancellationToken ct) => new("fake-token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext context, CancellationToken ct) => new(GetToken(context, ct));
    }

    static SecretClient Client(FakeVault vault) => new(Vault, new FakeCredential(), new SecretClientOptions
    {
        Transport = new HttpClientTransport(new HttpClient(vault)),
        Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) },
    });

    static readonly string Key1 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    static readonly string Key2 = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Keys_and_their_versions_come_from_the_vault()
    {
        var vault = new FakeVault(new() { ["pseudonym-key"] = (Key1, "v7"), ["envelope-key"] = (Key2, "v3") });
        var keys = await new KeyVaultKeyProvider(Client(vault)).GetAsync();
        Assert.Equal("kv:v7", keys.PseudonymKeyVersion);
        Assert.Equal("kv:v3", keys.EnvelopeKeyVersion);
        Assert.Equal(Convert.FromBase64String(Key1), keys.PseudonymKey);
        Assert.Contains(vault.Requests, r => r.StartsWith("GET /secrets/pseudonym-key") && r.EndsWith("auth=Bearer"));
        Assert.DoesNotContain(Key1, keys.ToString());
    }

    [Fact]
    public async Task Missing_or_malformed_secret_is_a_clear_error_without_the_value()
    {
        var missing = await Assert.ThrowsAsync<KeysUnavailableException>(() => new KeyVaultKeyProvider(Client(new FakeVault(new() { ["pseudonym-key"] = (Key1, "v1") }))).GetAsync());
        Assert.Contains("sp-test.vault.azure.net", missing.Message);
        var shortKey = Convert.ToBase64String(new byte[16]);
        var bad = await Assert.ThrowsAsync<KeysUnavailableException>(() => new KeyVaultKeyProvider(Client(new FakeVault(new() { ["pseudonym-key"] = (shortKey, "v1"), ["envelope-key"] = (Key2, "v1") }))).GetAsync());
        Assert.Contains("must be base64 of 32 bytes", bad.Message);
        Assert.DoesNotContain(shortKey, bad.Message);
    }

    [Fact]
    public async Task Vault_unreachable_fails_the_ingest_closed_and_writes_nothing()
    {
        var settings = PipelineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(azurite.Settings(dir.Path)).Build());
        var storage = new StorageClients(azurite.ConnectionString, null);
        await storage.EnsureCreatedAsync();
        var services = new AppServices { Settings = settings, Storage = storage, Keys = new KeyVaultKeyProvider(Client(new FakeVault([], down: true))), Clock = TimeProvider.System };
        var file = SampleExtracts.WriteCsv(dir.Path, "bag", "2026-09-01", ';', ["verblijfsobject_id", "postcode", "huisnummer", "gebruiksdoelen", "oppervlakte", "status"],
            [["1771010000000001", "5661AB", "1", "woonfunctie", "50", "Verblijfsobject in gebruik"]]);
        var blob = await services.Ingest.DeliverAsync(file, "bag", "2026-09-01");

        var e = await Assert.ThrowsAsync<KeysUnavailableException>(() => services.Ingest.IngestBlobAsync(blob));
        Assert.Contains("could not provide the pseudonymisation keys", e.Message);
        Assert.Contains("nothing was processed", e.Message);
        await foreach (var _ in storage.Container(StorageClients.Snapshots).GetBlobsAsync()) Assert.Fail("a snapshot was written");
        await foreach (var _ in storage.Container(StorageClients.Quarantine).GetBlobsAsync()) Assert.Fail("the file was quarantined");
        Assert.True(await storage.Container(StorageClients.Extracts).GetBlobClient(blob).ExistsAsync(), "the raw extract must stay for a retry");
    }

    public void Dispose() => dir.Dispose();
}
