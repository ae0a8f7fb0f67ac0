using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>Keyed HMAC-SHA256 pseudonyms with one derived key per identifier kind (domain separation).
/// A pseudonym is the kind prefix plus 128 bits of the MAC in hex: stable for a key version, not reversible
/// without the key. Thread-safe: each kind's key is expanded once into a <see cref="KeyedSha256"/>, which every thread
/// shares (it only reads it); the MAC is the same as the platform's HMACSHA256, tested.</summary>
public sealed class Pseudonymiser : IDisposable
{
    readonly KeyedSha256[] macs;

    public string KeyVersion { get; }

    public Pseudonymiser(byte[] masterKey, string keyVersion)
    {
        if (masterKey.Length < 32) throw new ArgumentException("The pseudonymisation key must have at least 256 bits.");
        KeyVersion = keyVersion;
        var kinds = Enum.GetValues<IdKind>();
        macs = new KeyedSha256[kinds.Length];
        foreach (var kind in kinds)
        {
            var derived = HMACSHA256.HashData(masterKey, Encoding.UTF8.GetBytes("signalpipeline/pseudonym/v1/" + kind.ToString().ToLowerInvariant()));
            macs[(int)kind] = new KeyedSha256(derived);
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>Pseudonym of an already normalised identifier value.</summary>
    public string Pseudonymise(IdKind kind, string normalised)
    {
        Span<byte> input = normalised.Length <= 128 ? stackalloc byte[normalised.Length * 3] : new byte[normalised.Length * 3];
        var n = Encoding.UTF8.GetBytes(normalised, input);
        Span<byte> mac = stackalloc byte[16];
        macs[(int)kind].Mac(input[..n], mac);
        CryptographicOperations.ZeroMemory(input[..n]);
        Span<char> pseudonym = stackalloc char[33];
        pseudonym[0] = kind.Prefix()[0];
        Convert.TryToHexStringLower(mac, pseudonym[1..], out _);
        return new string(pseudonym);
    }

    /// <summary>The 128 bits of a pseudonym (its 32 lowercase hex digits after the kind letter), or false when the value
    /// is not one. Ordered like the pseudonyms themselves; 16 bytes instead of a 33-character string. (A table lookup per
    /// digit: the nightly reads millions of join keys this way, and the general hex parser was its largest single cost.)</summary>
    public static bool TryValue(ReadOnlySpan<char> pseudonym, out UInt128 value)
    {
        value = default;
        if (pseudonym.Length != 33) return false;
        var digits = HexDigits;
        ulong high = 0, low = 0;
        var invalid = 0;
        for (var i = 1; i < 17; i++)
        {
            var c = pseudonym[i];
            int d = c < 128 ? digits[c] : 0xFF;
            invalid |= d;
            high = (high << 4) | (uint)(d & 0xF);
        }
        for (var i = 17; i < 33; i++)
        {
            var c = pseudonym[i];
            int d = c < 128 ? digits[c] : 0xFF;
            invalid |= d;
            low = (low << 4) | (uint)(d & 0xF);
        }
        if ((invalid & 0xF0) != 0) return false;
        value = new UInt128(high, low);
        return true;
    }

    /// <summary>The value of each ASCII character as a lowercase hex digit, 0xFF for any other.</summary>
    static ReadOnlySpan<byte> HexDigits =>
    [
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    ];

    public void Dispose()
    {
        foreach (var mac in macs) mac.Dispose();
    }
}
