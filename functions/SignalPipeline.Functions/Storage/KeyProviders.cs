using System.Security.Cryptography;
using System.Text.Json;
using Azure.Security.KeyVault.Secrets;
using SignalPipeline.Analysis.Privacy;

namespace SignalPipeline.Functions.Storage;

public interface IKeyProvider
{
    Task<KeyMaterial> GetAsync(CancellationToken ct = default);
}

/// <summary>Raised when the keys cannot be had: ingestion and reveal fail closed, nothing is written.</summary>
public sealed class KeysUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Keys from Key Vault: secrets <c>pseudonym-key</c> and <c>envelope-key</c>, base64 of 32 random bytes;
/// the secret versions are the key versions recorded in manifests.</summary>
public sealed class KeyVaultKeyProvider(SecretClient client) : IKeyProvider
{
    public const string PseudonymSecret = "pseudonym-key", EnvelopeSecret = "envelope-key";

    public async Task<KeyMaterial> GetAsync(CancellationToken ct = default)
    {
        try
        {
            var p = (await client.GetSecretAsync(PseudonymSecret, cancellationToken: ct)).Value;
            var e = (await client.GetSecretAsync(EnvelopeSecret, cancellationToken: ct)).Value;
            return new KeyMaterial(Decode(p), $"kv:{p.Properties.Version}", Decode(e), $"kv:{e.Properties.Version}");
        }
        catch (Exception ex) when (ex is not KeysUnavailableException and not OperationCanceledException)
        {
            // The message names the vault and the failure kind only; secret values never reach an exception.
            throw new KeysUnavailableException($"Key Vault {client.VaultUri} could not provide the pseudonymisation keys ({ex.GetType().Name}); nothing was processed.", ex);
        }
    }

    static byte[] Decode(KeyVaultSecret s)
    {
        try
        {
            var bytes = Convert.FromBase64String(s.Value);
            if (bytes.Length == 32) return bytes;
        }
        catch (FormatException) { }
        throw new KeysUnavailableException($"Key Vault secret {s.Name} must be base64 of 32 bytes.");
    }
}

/// <summary>The keys are there but are not the keys the existing snapshots were made with: refused for safety (exit 3).</summary>
public sealed class KeysChangedException(string message) : Exception(message);

/// <summary>Development keys in a file under <c>SignalPipeline:LocalDir</c>. Created only when no snapshot exists yet
/// (<paramref name="keysInUse"/> says whether any does); a missing or unreadable file while snapshots exist stops the
/// verb (exit 3): a new key is never created silently under an existing version. Never for production.</summary>
public sealed class DevKeyFileProvider(string path, TextWriter log, Func<CancellationToken, Task<bool>>? keysInUse = null) : IKeyProvider
{
    sealed record DevKeys(string PseudonymKey, string PseudonymKeyVersion, string EnvelopeKey, string EnvelopeKeyVersion);
    bool warned;

    public async Task<KeyMaterial> GetAsync(CancellationToken ct = default)
    {
        if (!File.Exists(path))
        {
            if (keysInUse is not null && await keysInUse(ct))
                throw new KeysUnavailableException($"the development key file {path} is missing, but snapshots made with it exist; restore the file (a new key is never created under an existing version), or start from empty storage.");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var keys = new DevKeys(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "dev-1",
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "dev-1");
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(keys), ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            log.WriteLine($"WARNING: created development keys in {path}. For development only: configure KeyVault:Uri in production.");
            warned = true;
        }
        if (!warned) { log.WriteLine($"WARNING: using development keys from {path} (no KeyVault:Uri configured). For development only."); warned = true; }
        try
        {
            var k = JsonSerializer.Deserialize<DevKeys>(await File.ReadAllTextAsync(path, ct))!;
            var material = new KeyMaterial(Convert.FromBase64String(k.PseudonymKey), k.PseudonymKeyVersion, Convert.FromBase64String(k.EnvelopeKey), k.EnvelopeKeyVersion);
            if (material.PseudonymKey.Length != 32 || material.EnvelopeKey.Length != 32 || string.IsNullOrEmpty(k.PseudonymKeyVersion)) throw new FormatException();
            return material;
        }
        catch (Exception e) when (e is JsonException or FormatException or NullReferenceException or ArgumentNullException or IOException or UnauthorizedAccessException)
        {
            // Never the content: the file holds the keys.
            throw new KeysUnavailableException($"the development key file {path} cannot be read ({e.GetType().Name}); restore it from where it was kept.");
        }
    }
}
