using System.Security.Cryptography;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

public class PrivacyTests
{
    [Fact]
    public void Pseudonyms_are_stable_keyed_and_separated_per_kind()
    {
        using var a = new Pseudonymiser(TestData.PseudonymKey, "v1");
        using var b = new Pseudonymiser(TestData.EnvelopeKey, "v2");
        var p1 = a.Pseudonymise(IdKind.Bsn, "111222333");
        Assert.Equal(p1, a.Pseudonymise(IdKind.Bsn, "111222333"));
        Assert.NotEqual(p1, b.Pseudonymise(IdKind.Bsn, "111222333"));        // another key, another pseudonym
        Assert.NotEqual(p1[1..], a.Pseudonymise(IdKind.Kvk, "111222333")[1..]); // same digits, other kind
        Assert.StartsWith("P", p1);
        Assert.Equal(33, p1.Length);
        Assert.DoesNotContain("111222333", p1);
        // Not an unkeyed hash: SHA-256 of the value does not appear.
        Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData("111222333"u8))[..16], p1);
    }

    [Fact]
    public void Pseudonymiser_is_thread_safe()
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "v1");
        var expected = Enumerable.Range(0, 1000).Select(i => p.Pseudonymise(IdKind.Zaak, "Z" + i)).ToArray();
        var parallel = new string[1000];
        Parallel.For(0, 1000, i => parallel[i] = p.Pseudonymise(IdKind.Zaak, "Z" + i));
        Assert.Equal(expected, parallel);
    }

    [Fact]
    public void Envelope_round_trips_and_detects_tampering_and_moving()
    {
        var env = new IdentityEnvelope(TestData.EnvelopeKey, "e1");
        var sealedBytes = env.Seal("brp|P123", new Dictionary<string, string> { ["bsn"] = "111222333", ["geslachtsnaam"] = "Jansen" });
        Assert.DoesNotContain("Jansen"u8.ToArray(), sealedBytes.Chunk(6).Select(c => c.ToArray()), new BytesComparer());
        Assert.Equal("Jansen", env.Open("brp|P123", sealedBytes)["geslachtsnaam"]);
        Assert.ThrowsAny<CryptographicException>(() => env.Open("brp|P999", sealedBytes)); // moved to another row
        sealedBytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => env.Open("brp|P123", sealedBytes));
    }

    sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x!.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
