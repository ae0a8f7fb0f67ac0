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
            "NWF" => $"{E("residents")} ingeschrevene(n) als bewoner op een verblijfsobject zonder woonfunctie (gebruiksdoel: {E("gebruiksdoelen").Replace("|", ", ")}).",
            "ONG" => $"{E("registrations")} inschrijving(en) op een object dat volgens de BAG niet (meer) bestaat of bewoonbaar is: " +
                     $"status {E("status")}{(E("pand_status") is { Length: > 0 } ps and not "?" ? $", pandstatus {ps}" : "")}.",
            "BRF" => $"{E("postal_registrations")} briefadressen op één verblijfsobject, drempel 3.",
            "HHC" => $"{E("cases_in_window")} handhavingszaken (geen controle, niet ingetrokken) in de afgelopen twee jaar; meest recent {E("most_recent")}." +
                     (evidence.TryGetValue("count_sluiting_13b_opiumwet", out var n13b) ? $" Waarvan {n13b} sluiting(en) op grond van art. 13b Opiumwet." : ""),
            "BIB" => $"Aanvraag {E("permit_zaaktype").Replace('_', ' ')} terwijl de aanvrager of het pand in de afgelopen drie jaar een zware handhavingsmaatregel had " +
                     $"(gevonden via {E("match")}): {E("matched_enforcement").Replace('_', ' ')}.",
            "ANO" => $"Afwijkend patroon: anomaliescore {E("score")}, hoger dan {E("percentile").Replace('.', ',')}% van de objecten. Meest bepalend: " +
                     string.Join(", ", new[] { "feature_1", "feature_2", "feature_3" }.Where(evidence.ContainsKey).Select(k => evidence[k].Replace('_', ' '))) + ".",
            _ => string.Join(", ", evidence.Select(p => $"{p.Key}: {p.Value}")),
        };
    }
}
