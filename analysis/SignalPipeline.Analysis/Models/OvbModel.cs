using System.Globalization;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Models;

/// <summary>OVB Overbewoning: a VBO with woonfunctie, residents ≥ 4 and oppervlakte / residents &lt; 12 m²,
/// unless it has an omzettingsvergunning with status verleend. Version 2 (models.md v2) counts adults only, skips objects
/// on the exclusion list and signals whose every registration is already in onderzoek.</summary>
public sealed class OvbModel(int generation = 1) : ISignalModel
{
    bool V2 => generation >= 2;
    public string Id => "OVB";
    public string Version => V2 ? "2.0.0" : "1.0.0";
    public string Description => V2
        ? "Een verblijfsobject met woonfunctie waar minstens {min_residents} volwassen bewoners staan ingeschreven en minder dan {max_m2_per_resident} m² per volwassene is, zonder verleende omzettingsvergunning; niet voor objecten op de uitsluitingslijst of waar alle inschrijvingen al in onderzoek zijn."
        : "Een verblijfsobject met woonfunctie waar minstens {min_residents} bewoners staan ingeschreven en minder dan {max_m2_per_resident} m² per bewoner is, zonder verleende omzettingsvergunning.";
    public string Name => "Overbewoning";
    public string Theme => "mensenhandel/uitbuiting, woonfraude";

    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal>
    {
        ["min_residents"] = 4,
        ["max_m2_per_resident"] = 12,
    };

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads => new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = V2 ? Models.Reads.With("bsn", "functie_adres", "in_onderzoek", "volwassen") : ["bsn", "functie_adres", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"],
        ["bag"] = ["verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "gebruiksdoelen", "oppervlakte"],
        ["permits"] = ["zaaktype", "status", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"],
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["residents"]} {(e.Has("minderjarigen") ? "volwassen " : "")}ingeschrevenen op {e["oppervlakte"]} m²: {e.Decimal("m2_per_resident")} m² per persoon, norm {e["norm_m2_per_resident"]}. " +
        "Het verblijfsobject heeft een woonfunctie en er is geen verleende omzettingsvergunning." +
        (e.Has("minderjarigen") ? $" Minderjarigen niet meegeteld: {e["minderjarigen"]}." : "") + V2Rules.Onderzoek(e);

    public IEnumerable<Signal> Run(ModelContext ctx)
    {
        var minResidents = ctx.P("min_residents");
        var maxM2 = ctx.P("max_m2_per_resident");
        var world = ctx.World;
        for (var v = 0; v < world.Objects.Count; v++)
        {
            var regs = world.RegistrationsAt(v);
            if (regs.Count == 0 || !world.InTerritory(v)) continue;
            var (vbo, vboId) = (world.Objects[v], world.Objects[v].Id);
            if (!vbo.HasWoonfunctie || vbo.IsPlaats) continue;
            if (V2 && V2Rules.Skips(ctx, vboId, regs)) continue;
            // v2: families with children in a small home are not the exploitation pattern; unknown age counts as adult.
            var residents = 0;
            foreach (var r in regs) if (r.FunctieAdres == "W" && (!V2 || r.Volwassen != false)) residents++;
            if (residents < minResidents) continue;
            var m2PerResident = (decimal)vbo.Oppervlakte / residents;
            if (m2PerResident >= maxM2) continue;
            if (world.PermitsAt(v).Any(p => p.Zaaktype == "omzettingsvergunning" && p.Status == "verleend")) continue;

            (string, object)[] evidence =
            [
                ("residents", residents), ("oppervlakte", vbo.Oppervlakte),
                ("m2_per_resident", Math.Round(m2PerResident, 1).ToString("0.0", CultureInfo.InvariantCulture)),
                ("norm_m2_per_resident", maxM2),
            ];
            if (V2) evidence = [.. evidence, ("minderjarigen", regs.Count(r => r.FunctieAdres == "W" && r.Volwassen == false)), V2Rules.OnderzoekEvidence(regs)];
            yield return ctx.Raise(this, vboId, vboId, [], evidence);
        }
    }
}
