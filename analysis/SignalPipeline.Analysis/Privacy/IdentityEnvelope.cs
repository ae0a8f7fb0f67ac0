using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>Seals the plain identifiers and names of one row with AES-256-GCM. The associated data binds the
/// ciphertext to its source and row pseudonym, so an envelope cannot be moved to another row unnoticed.
/// Layout: version byte, 12-byte nonce, 16-byte tag, ciphertext.</summary>
public sealed class IdentityEnvelope
{
    const byte FormatVersion = 1;
    readonly byte[] key;
    // AesGcm expands the key once; reusing one instance per thread avoids doing it for every row.
    readonly ThreadLocal<AesGcm> gcm;

    public string KeyVersion { get; }

    public IdentityEnvelope(byte[] key, string keyVersion)
    {
        if (key.Length != 32) throw new ArgumentException("The envelope key must be 256 bits.");
        this.key = key;
        KeyVersion = keyVersion;
        gcm = new ThreadLocal<AesGcm>(() => new AesGcm(this.key, 16));
    }

    public byte[] Seal(string associated, IReadOnlyDictionary<string, string> fields)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(fields);
        var output = new byte[1 + 12 + 16 + plain.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        gcm.Value!.Encrypt(nonce, plain, output.AsSpan(29), output.AsSpan(13, 16), Encoding.UTF8.GetBytes(associated));
        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    public Dictionary<string, string> Open(string associated, byte[] sealedBytes)
    {
        if (sealedBytes.Length < 29 || sealedBytes[0] != FormatVersion)
            throw new CryptographicException("Not an identity envelope of a known format.");
        var plain = new byte[sealedBytes.Length - 29];
        gcm.Value!.Decrypt(sealedBytes.AsSpan(1, 12), sealedBytes.AsSpan(29), sealedBytes.AsSpan(13, 16), plain, Encoding.UTF8.GetBytes(associated));
        try { return JsonSerializer.Deserialize<Dictionary<string, string>>(plain)!; }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }
}
