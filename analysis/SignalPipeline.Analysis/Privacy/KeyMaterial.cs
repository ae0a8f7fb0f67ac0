using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>The two secrets the pipeline needs, with the versions recorded in every manifest.
/// Where they come from (Key Vault or a development file) is the functions layer's business.</summary>
public sealed record KeyMaterial(byte[] PseudonymKey, string PseudonymKeyVersion, byte[] EnvelopeKey, string EnvelopeKeyVersion)
{
    /// <summary>Identifies the pseudonymisation key without revealing it: a hash of a value derived from the key, so
    /// snapshots and runs can prove they were made with the same key.</summary>
    public string PseudonymFingerprint => Fingerprint(PseudonymKey, "pseudonym");
    public string EnvelopeFingerprint => Fingerprint(EnvelopeKey, "envelope");

    static string Fingerprint(byte[] key, string kind)
    {
        var derived = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"signalpipeline/key-fingerprint/v1|{kind}"));
        return Convert.ToHexStringLower(SHA256.HashData(derived).AsSpan(0, 8));
    }

    public override string ToString() => $"KeyMaterial(pseudonym {PseudonymKeyVersion}, envelope {EnvelopeKeyVersion})";
}
