using System.Security.Cryptography;
using System.Text;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Tests.Unit;

/// <summary>A signal's id and evidence are written without intermediate strings or dictionaries; they must stay what
/// docs/contracts/models.md "Signal identity" says and what every earlier night stored.</summary>
public class SignalIdentityTests
{
    [Theory]
    [InlineData("NWF", "1771", "vbo-0")]
    [InlineData("BIB", "0363", "Z-2026-000123")]
    [InlineData("OVB", "1771", "é accented key beyond ASCII")]
    public void A_signal_id_is_the_model_and_the_first_ten_bytes_of_the_hash_of_its_key(string model, string municipality, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"signal/v1|{model}|{municipality}|{key}"));
        Assert.Equal($"{model}-{Convert.ToHexStringLower(hash.AsSpan(0, 10))}", Signal.IdFor(model, municipality, key));
    }

    [Fact]
    public void A_key_longer_than_the_stack_buffer_gets_the_same_id()
    {
        var key = new string('k', 1_000);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"signal/v1|CTL|1771|{key}"));
        Assert.Equal($"CTL-{Convert.ToHexStringLower(hash.AsSpan(0, 10))}", Signal.IdFor("CTL", "1771", key));
    }

    [Fact]
    public void Evidence_is_in_ordinal_name_order_and_refuses_a_name_twice()
    {
        var evidence = SortedEvidence.Of([("residents", "3"), ("Gebruiksdoelen", "x"), ("al_in_onderzoek", "0"), ("count_b", "1"), ("count_a", "2")]);
        Assert.Equal(["Gebruiksdoelen", "al_in_onderzoek", "count_a", "count_b", "residents"], evidence.Keys);
        Assert.Equal(["x", "0", "2", "1", "3"], evidence.Values);
        Assert.Equal("2", evidence["count_a"]);
        Assert.True(evidence.TryGetValue("residents", out var residents) && residents == "3");
        Assert.False(evidence.ContainsKey("missing"));
        Assert.Throws<KeyNotFoundException>(() => evidence["missing"]);
        Assert.Equal("""{"Gebruiksdoelen":"x","al_in_onderzoek":"0","count_a":"2","count_b":"1","residents":"3"}""",
            System.Text.Json.JsonSerializer.Serialize<IReadOnlyDictionary<string, string>>(evidence));
        Assert.Throws<ArgumentException>(() => SortedEvidence.Of([("a", "1"), ("b", "2"), ("a", "3")]));
        Assert.Empty(SortedEvidence.Of([]));
    }
}
