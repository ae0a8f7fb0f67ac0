using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Models;

using SignalPipeline.Analysis.Register;

namespace SignalPipeline.Analysis.Publication;

/// <summary>An entry per model for the Dutch Algoritmeregister, publication standard v1.0 field set, generated
/// from the DPIA register so that what is published is exactly what is approved.</summary>
public static class AlgoritmeregisterEntry
{
    /// <param name="quality">The measured quality per model version (models.md v2), published in the risks field when there are decisions.</param>
    public static JsonObject For(ModelApproval a, DpiaRegister register, IReadOnlyList<Signals.QualityRow>? quality = null)
    {
        var model = ModelCatalogue.Find(a.Id, a.Version);
        var measured = quality?.FirstOrDefault(q => q.Model == a.Id && q.Version == a.Version) is { Decided: > 0 } q
            ? $" Gemeten kwaliteit van versie {a.Version}: {q.Doorgezet} van {q.Decided} beoordeelde signalen doorgezet (precisie {Pct(q.Precision)})" +
              (q.Lift is { } lift ? $"; de willekeurige controlesteekproef haalt {Pct(q.ControlRate)}, het model is {Extracts.DutchNumbers.Of(lift, "0.0")} keer zo goed als toeval." : "; nog geen vergelijking met de controlesteekproef.") +
              (q.StopMet ? " Het stopcriterium uit het DPIA-register is bereikt: het model is voorgesteld voor schorsing." : "")
            : "";
        var rule = model is null ? a.Name : ModelCatalogue.Explain(model, a.Parameters);
        var categories = new JsonArray("Openbare orde en veiligheid");
        if (a.Theme.Contains("woon", StringComparison.OrdinalIgnoreCase)) categories.Add("Wonen");
        var sources = string.Join("; ", a.Reads.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{SourceName(r.Key)}: {string.Join(", ", r.Value)}"));
        return new JsonObject
        {
            ["name"] = Clip($"{a.Name} ({a.Id})", 100),
            ["description_short"] = Clip($"Signaleert voor de informatiecoördinator ondermijning: {char.ToLowerInvariant(rule[0])}{rule[1..]} Een signaal is alleen een kandidaat; een mens beslist.", 400),
            ["organization"] = Clip(register.Organization ?? $"Gemeente {register.Municipality}", 100),
            ["category"] = categories,
            ["status"] = a.Status switch { ApprovalStatus.Approved => "In gebruik", ApprovalStatus.Experimental => "In ontwikkeling", _ => "Buiten gebruik" },
            ["begin_date"] = a.ApprovedOn.ToString("yyyy-MM"),
            ["contact_email"] = Clip(register.ContactEmail ?? throw new RegisterException("the DPIA register needs contact_email for Algoritmeregister entries"), 500),
            // A learning model that scores residences for public-order follow-up is an AI system used to assess people's
            // situations (AI Act annex III): category A. The fixed rules have impact on people: category B.
            ["publication_category"] = model?.Method == ModelMethod.UnsupervisedLearning ? "Hoog-risico AI-systeem" : "Impactvolle algoritmes",
            ["goal"] = Clip(a.Purpose, 2500),
            ["proportionality"] = Clip("Het model ziet alleen gepseudonimiseerde gegevens en alleen de kolommen die de DPIA toestaat; nationaliteit, " +
                "geboorteland en geslacht worden nooit gebruikt. Het draait alleen met een geldige goedkeuring van precies deze versie en parameters.", 2500),
            ["human_intervention"] = Clip("Elk signaal is een kandidaat voor fase 1 van het privacyprotocol. De informatiecoördinator beoordeelt het, " +
                "ziet waarom het is ontstaan, en besluit tot registratie of afwijzing met een reden. Een identiteit is alleen zichtbaar na een " +
                "geschreven reden en elke inzage wordt vastgelegd.", 2500),
            ["risks"] = Clip("Fout-positieven door verouderde of onjuiste registraties; concentratie van signalen in bepaalde wijken (elke run " +
                "rapporteert de spreiding per postcodegebied); het model leert niet van eerdere besluiten, zodat er geen terugkoppeling ontstaat." + measured, 2500),
            ["lawful_basis"] = Clip(a.LegalBasis + (a.Controller is { } c ? $" Verwerkingsverantwoordelijke: {c}." : ""), 2500),
            ["impacttoetsen"] = Clip($"DPIA {a.DpiaReference}, goedgekeurd door {a.ApprovedBy} op {a.ApprovedOn:yyyy-MM-dd}; herbeoordeling uiterlijk {a.ReviewBy:yyyy-MM-dd}.", 2500),
            ["impacttoetsen_grouping"] = new JsonArray(new JsonObject { ["title"] = "Data Protection Impact Assessment (DPIA)" }),
            ["source_data"] = Clip($"Gemeentelijke extracten, per bron de gelezen kolommen: {sources}.", 2500),
            ["methods_and_models"] = Clip($"{MethodName(model?.Method)} {a.Id} versie {a.Version}: {rule} Parameters: " +
                string.Join(", ", a.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} = {p.Value}")) + ".", 5000),
            ["lang"] = "nld",
            ["standard_version"] = "1.0",
            ["source_id"] = Clip($"signalpipeline-{register.Municipality}-{a.Id}", 100),
        };
    }

    static string MethodName(ModelMethod? method) => method switch
    {
        ModelMethod.UnsupervisedLearning => "Zelflerend model zonder labels (ongesuperviseerde anomaliedetectie met ML.NET RandomizedPca, elke nacht opnieuw getraind met een vaste seed)",
        _ => "Regelgebaseerd model",
    };

    static string SourceName(string source) => source switch
    {
        "brp" => "BRP", "bag" => "BAG", "permits" => "vergunningen", "enforcement" => "handhaving", _ => source,
    };

    static string Pct(decimal? d) => d is { } v ? $"{Math.Round(v * 100)}%" : "—";

    static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
