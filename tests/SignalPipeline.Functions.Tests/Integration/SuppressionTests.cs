using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>The suppression list (docs/privacy.md): an upheld objection or an erasure keeps the person out of every
/// model, even when the next extract brings them back; the run reports how many rows it left out, never who.</summary>
public sealed class SuppressionTests
{
    [Fact]
    public async Task An_upheld_objection_keeps_the_person_out_of_the_models_when_the_next_extract_brings_them_back()
    {
        using var p = new PipelineUnderTest();
        var day = new DateOnly(2026, 11, 2);
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-02")).Code);
        var brpFile = Directory.GetFiles(Path.Combine(p.Dir.Path, "demo-extracts", "brp", "2026-11-02")).Single();
        var lines = File.ReadAllLines(brpFile);
        var header = lines[0].Split(';').ToList();
        // One of the three briefadressen at VBO 9 (BRF's planted case) objects, and the objection is upheld.
        var postal = lines.Skip(1).Select(l => l.Split(';')).Where(c => c[header.IndexOf("functie_adres")] == "B" && c[header.IndexOf("verblijfsobject_id")] == "1771010001000009").ToList();
        Assert.Equal(3, postal.Count);
        var bsn = postal[0][header.IndexOf("bsn")];
        var objection = await p.Cli("subject", "object", "--bsn", bsn, "--reason", "Bezwaar 2026-077 gehonoreerd door het college");
        Assert.True(objection.Code == 0, objection.Out + objection.Err);
        Assert.Contains("on the suppression list until 2031-", objection.Out);

        // An objection erases nothing: the person's rows are still in the BRP snapshot the next night uses.
        var night = await p.Cli("nightly", "--date", "2026-11-03");
        Assert.True(night.Code == 0, night.Out + night.Err);
        Assert.Contains("suppression list: 1 rows of suppressed persons left out of every model", night.Out);
        Assert.Contains("model BRF 2.0.0: ran; new 0, continuing 0, resolved 1", night.Out);

        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var entry = Assert.Single(await new SuppressionList(storage).ListAsync());
        Assert.Matches("^[0-9a-f]{64}$", entry.Key); // a hash of the pseudonym: neither the BSN nor the pseudonym is stored
        Assert.Equal("bezwaar gehonoreerd (art. 21 AVG)", entry.Ground);
        var audit = (await new AuditLog(storage).ReadAllAsync()).Single(a => a.Action == "objection-upheld");
        Assert.StartsWith("S", audit.Subject);
        Assert.DoesNotContain(bsn, string.Join("\n", (await new AuditLog(storage).ReadAllAsync()).Select(a => a.ToString())));

        // An erasure puts the person on the list too.
        var erased = postal[1][header.IndexOf("bsn")];
        Assert.Equal(0, (await p.Cli("subject", "erase", "--bsn", erased, "--reason", "Wissingsverzoek 2026-078 toegewezen")).Code);
        Assert.Contains(await new SuppressionList(storage).ListAsync(), s => s.Ground.StartsWith("wissing"));
        Assert.Equal(2, (await new SuppressionList(storage).InForceAsync(day.AddDays(2))).Count);
    }
}
