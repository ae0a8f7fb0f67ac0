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

    /// <summary>Issue 17: the pseudonyms' own HMAC-SHA256 is bit for bit the platform's, for keys shorter than, equal to
    /// and longer than a block, and every message length across the padding boundaries (55/56, 63/64, 119/120 bytes).</summary>
    [Fact]
    public void The_keyed_sha256_is_the_platforms_hmac_sha256()
    {
        var random = new Random(2026);
        foreach (var keyLength in new[] { 1, 32, 63, 64, 65, 200 })
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            using var mine = new KeyedSha256(key);
            for (var length = 0; length <= 300; length++)
            {
                var message = new byte[length];
                random.NextBytes(message);
                var mac = new byte[32];
                mine.Mac(message, mac);
                Assert.Equal(HMACSHA256.HashData(key, message), mac);
                var truncated = new byte[16];
                mine.Mac(message, truncated);
                Assert.Equal(mac[..16], truncated);
            }
        }
        // RFC 4231 test case 2.
        var rfc = new KeyedSha256("Jefe"u8);
        var expected = Convert.FromHexString("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        var actual = new byte[32];
        rfc.Mac("what do ya want for nothing?"u8, actual);
        Assert.Equal(expected, actual);
        // Disposed, its key is wiped: it refuses to MAC rather than give a wrong one.
        rfc.Dispose();
        Assert.Throws<ObjectDisposedException>(() => rfc.Mac("x"u8, actual));
        Assert.Throws<ObjectDisposedException>(() => KeyedSha256.MacMany([rfc], "x"u8, [1], new byte[16]));
    }

    /// <summary>Many MACs side by side (eight lanes of a vector) are each the platform's HMAC-SHA256, for messages that fit
    /// one block and for longer ones (which take the one-by-one path), under different keys in neighbouring lanes, and for
    /// counts that leave lanes empty.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(1_001)]
    public void Many_macs_side_by_side_are_each_the_platforms_hmac(int count)
    {
        var random = new Random(count);
        var rawKeys = Enumerable.Range(0, 3).Select(_ => { var k = new byte[32]; random.NextBytes(k); return k; }).ToArray();
        var keyed = rawKeys.Select(k => new KeyedSha256(k)).ToArray();
        var which = Enumerable.Range(0, count).Select(_ => random.Next(rawKeys.Length)).ToArray();
        var messages = Enumerable.Range(0, count).Select(i => { var m = new byte[i % 97 == 0 ? 120 : random.Next(0, 70)]; random.NextBytes(m); return m; }).ToArray();
        var ends = new int[count];
        for (int i = 0, at = 0; i < count; i++) ends[i] = at += messages[i].Length;
        var macs = new byte[count * 16];
        KeyedSha256.MacMany(which.Select(w => keyed[w]).ToArray(), messages.SelectMany(m => m).ToArray(), ends, macs);
        for (var i = 0; i < count; i++)
            Assert.Equal(HMACSHA256.HashData(rawKeys[which[i]], messages[i]).AsSpan(0, 16).ToArray(), macs.AsSpan(i * 16, 16).ToArray());
    }

    /// <summary>The ingest pseudonymises a batch at once; each pseudonym is the one the value gets alone.</summary>
    [Fact]
    public void Pseudonyms_of_a_batch_are_those_of_each_value_alone()
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "v1");
        var kinds = Enum.GetValues<IdKind>();
        var random = new Random(5);
        var items = Enumerable.Range(0, 500).Select(i => (Kind: kinds[i % kinds.Length], Value: i % 50 == 0 ? new string('ü', 40) + i : $"{random.NextInt64(100_000_000, 999_999_999)}")).ToArray();
        var many = new string[items.Length];
        p.PseudonymiseMany(items.Select(x => x.Kind).ToArray(), items.Select(x => x.Value).ToArray(), many);
        Assert.Equal(items.Select(x => p.Pseudonymise(x.Kind, x.Value)), many);
    }

    /// <summary>A pseudonym is the kind letter and the first 128 bits of HMAC-SHA256 under the kind's derived key, as it
    /// was with the platform's HMAC: snapshots pseudonymised before issue 17 still link with those made after it.</summary>
    [Fact]
    public void Pseudonyms_are_unchanged_by_the_faster_hmac()
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "v1");
        var derived = HMACSHA256.HashData(TestData.PseudonymKey, "signalpipeline/pseudonym/v1/bsn"u8);
        foreach (var bsn in new[] { "111222333", "999990019", "ü-not-a-bsn-but-utf8" })
            Assert.Equal("P" + Convert.ToHexStringLower(HMACSHA256.HashData(derived, System.Text.Encoding.UTF8.GetBytes(bsn)).AsSpan(0, 16)), p.Pseudonymise(IdKind.Bsn, bsn));
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
    public void Aes_gcm_sealer_matches_the_platform_bit_for_bit()
    {
        // The envelopes are sealed on the processor's AES instructions where it has them; the platform (OpenSSL) is
        // the reference. Every plaintext length across the block boundaries, associated data of 0-70 bytes.
        var key = RandomNumberGenerator.GetBytes(32);
        using var sealer = AesGcmSealer.TryCreate(key);
        if (!AesGcmSealer.IsSupported) { Assert.Null(sealer); return; }
        Assert.NotNull(sealer);
        var random = new Random(4231);
        using var platform = new AesGcm(key, 16);
        for (var length = 0; length <= 300; length++)
        {
            var plain = RandomNumberGenerator.GetBytes(length);
            var associated = RandomNumberGenerator.GetBytes(random.Next(0, 71));
            var nonce = RandomNumberGenerator.GetBytes(12);
            var (expected, expectedTag, actual, actualTag) = (new byte[length], new byte[16], new byte[length], new byte[16]);
            platform.Encrypt(nonce, plain, expected, expectedTag, associated);
            sealer.Encrypt(nonce, plain, actual, actualTag, associated);
            Assert.Equal(expected, actual);
            Assert.Equal(expectedTag, actualTag);
            var opened = new byte[length];
            platform.Decrypt(nonce, actual, actualTag, opened, associated);
            Assert.Equal(plain, opened);
        }
        // Other keys: the key schedule, not only the data path.
        for (var k = 0; k < 50; k++)
        {
            var otherKey = RandomNumberGenerator.GetBytes(32);
            using var mine = AesGcmSealer.TryCreate(otherKey)!;
            using var theirs = new AesGcm(otherKey, 16);
            var plain = RandomNumberGenerator.GetBytes(97);
            var nonce = RandomNumberGenerator.GetBytes(12);
            var (expected, expectedTag, actual, actualTag) = (new byte[97], new byte[16], new byte[97], new byte[16]);
            theirs.Encrypt(nonce, plain, expected, expectedTag, "brp|P1"u8);
            mine.Encrypt(nonce, plain, actual, actualTag, "brp|P1"u8);
            Assert.Equal(expected, actual);
            Assert.Equal(expectedTag, actualTag);
        }
        sealer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sealer.Encrypt(new byte[12], [1], new byte[1], new byte[16], []));
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
