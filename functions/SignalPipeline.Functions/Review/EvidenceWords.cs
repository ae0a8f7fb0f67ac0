using System.Globalization;

namespace SignalPipeline.Functions.Review;

/// <summary>A signal's evidence in the coordinator's words: Dutch labels instead of stored keys, decimal commas, dates
/// as "27 november 2026", codes without underscores. The stored evidence (and exports) keep the contract's keys.</summary>
public static class EvidenceWords
{
    static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["residents"] = "bewoners", ["oppervlakte"] = "oppervlakte (m²)", ["m2_per_resident"] = "m² per bewoner",
        ["norm_m2_per_resident"] = "norm (m² per bewoner)", ["minderjarigen"] = "minderjarigen (niet meegeteld)",
        ["gebruiksdoelen"] = "gebruiksdoelen", ["status"] = "status in de BAG", ["pand_status"] = "status van het pand",
        ["registrations"] = "inschrijvingen", ["postal_registrations"] = "briefadressen", ["al_in_onderzoek"] = "al in onderzoek",
        ["cases_in_window"] = "handhavingszaken in de periode", ["most_recent"] = "meest recente zaak",
        ["permit_zaaktype"] = "aangevraagde vergunning", ["matched_enforcement"] = "gevonden handhaving", ["match"] = "gevonden via",
        ["seed"] = "trekking (seed)", ["score"] = "anomaliescore", ["threshold"] = "drempel",
    };

    public static string Label(string key) =>
        Labels.TryGetValue(key, out var label) ? label
        : key.StartsWith("count_", StringComparison.Ordinal) ? "aantal " + Words(key["count_".Length..])
        : Words(key);

    public static string Value(string key, string value)
    {
        if (value.Length == 0) return "—";
        if (key is "gebruiksdoelen") return value.Replace("|", ", ");
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && value.Contains('.'))
            return Analysis.Extracts.DutchNumbers.Of(d, "0.0##");
        return Analysis.Extracts.Dates.DutchText(value);
    }

    static string Words(string key) => key.Replace('_', ' ');
}
