using System.Globalization;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Models;

/// <summary>OVB Overbewoning: a VBO with woonfunctie, residents ≥ 4 and oppervlakte / residents &lt; 12 m²,
/// unless it has an omzettingsvergunning with status verleend.</summary>
public sealed class OvbModel : ISignalModel
{
    public string Id => "OVB";
    public string Version => "1.0.0";
    public string Description => "Een verblijfsobject met woonfunctie waar minstens {min_residents} bewoners staan ingeschreven en minder dan {max_m2_per_resident} m² per bewoner is, zonder verleende omzettingsvergunning.";
    public string Name => "Overbewoning";
    public string Theme => "mensenhandel/uitbuiting, woonfraude";

    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal>
    {
        ["min_residents"] = 4,
        ["max_m2_per_resident"] = 12,
    };

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = ["bsn", "functie_adres", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"],
        ["bag"] = ["verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "gebruiksdoelen", "oppervlakte"],
        ["permits"] = ["zaaktype", "status", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"],
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["residents"]} ingeschrevenen op {e["oppervlakte"]} m²: {e.Decimal("m2_per_resident")} m² per persoon, norm {e["norm_m2_per_resident"]}. " +
        "Het verblijfsobject heeft een woonfunctie en er is geen verleende omzettingsvergunning.";

    public IEnumerable<Signal> Run(ModelContext ctx)
    {
        var minResidents = ctx.P("min_residents");
        var maxM2 = ctx.P("max_m2_per_resident");
        foreach (var (vboId, regs) in ctx.World.RegistrationsByVbo.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var vbo = ctx.World.Vbos[vboId];
            if (!ctx.InTerritory(vbo) || !vbo.HasWoonfunctie || vbo.IsPlaats) continue;
            var residents = regs.Count(r => r.FunctieAdres == "W");
            if (residents < minResidents) continue;
            var m2PerResident = (decimal)vbo.Oppervlakte / residents;
            if (m2PerResident >= maxM2) continue;
            if (ctx.World.PermitsByVbo.TryGetValue(vboId, out var permits) &&
                permits.Any(p => p.Zaaktype == "omzettingsvergunning" && p.Status == "verleend")) continue;

            yield return ctx.Raise(this, vboId, vboId, [],
                ("residents", residents), ("oppervlakte", vbo.Oppervlakte),
                ("m2_per_resident", Math.Round(m2PerResident, 1).ToString("0.0", CultureInfo.InvariantCulture)),
                ("norm_m2_per_resident", maxM2));
        }
    }
}
