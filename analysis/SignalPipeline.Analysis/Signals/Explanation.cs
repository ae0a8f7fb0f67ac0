using System.Globalization;

namespace SignalPipeline.Analysis.Signals;

/// <summary>Plain Dutch words for why a signal was raised, built only from its evidence (the coordinator's language).
/// Decimal commas are written by hand: the app runs with invariant globalization (no ICU needed on the host).</summary>
public static class Explanation
{

    public static string For(string model, IReadOnlyDictionary<string, string> evidence)
    {
        string E(string key) => evidence.TryGetValue(key, out var v) ? v : "?";
        string Dec(string key) => decimal.TryParse(E(key), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d.ToString("0.0", CultureInfo.InvariantCulture).Replace('.', ',') : E(key);
        return model switch
        {
            "OVB" => $"{E("residents")} ingeschrevenen op {E("oppervlakte")} m²: {Dec("m2_per_resident")} m² per persoon, norm {E("norm_m2_per_resident")}. " +
                     "Het verblijfsobject heeft een woonfunctie en er is geen verleende omzettingsvergunning.",
            _ => string.Join(", ", evidence.Select(p => $"{p.Key}: {p.Value}")),
        };
    }
}
