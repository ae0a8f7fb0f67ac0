namespace SignalPipeline.Analysis.Models;

/// <summary>NWF Bewoning zonder woonfunctie: residents ≥ 1 at a VBO whose gebruiksdoelen lack woonfunctie.</summary>
/// Version 2 (models.md v2): not for gezondheidszorg- or celfunctie (care homes, prisons), logiesfunctie only with
/// <c>include_logies</c>, not for excluded objects or when every registration is already in onderzoek.
public sealed class NwfModel(int generation = 1) : ISignalModel
{
    static readonly string[] Lawful = ["gezondheidszorgfunctie", "celfunctie"];
    bool V2 => generation >= 2;
    public string Id => "NWF";
    public string Version => V2 ? "2.0.0" : "1.0.0";
    public string Description => V2
        ? "Een verblijfsobject zonder woonfunctie waar minstens {min_residents} bewoner(s) staan ingeschreven; niet bij gezondheidszorg- of celfunctie, logiesfunctie alleen als include_logies {include_logies} is, niet voor objecten op de uitsluitingslijst of waar alle inschrijvingen al in onderzoek zijn."
        : "Een verblijfsobject zonder woonfunctie waar minstens {min_residents} bewoner(s) staan ingeschreven.";
    public string Name => "Bewoning zonder woonfunctie";
    public string Theme => "woonfraude, ondermijning bedrijfspanden";
    public IReadOnlyDictionary<string, decimal> DefaultParameters => V2
        ? new Dictionary<string, decimal> { ["min_residents"] = 1, ["include_logies"] = 0 }
        : new Dictionary<string, decimal> { ["min_residents"] = 1 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads => new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = V2 ? Models.Reads.With("bsn", "functie_adres", "in_onderzoek") : Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.With("gebruiksdoelen"),
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["residents"]} ingeschrevene(n) als bewoner op een verblijfsobject zonder woonfunctie (gebruiksdoel: {e["gebruiksdoelen"].Replace("|", ", ")})." + V2Rules.Onderzoek(e);

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var world = ctx.World;
        for (var v = 0; v < world.Objects.Count; v++)
        {
            var regs = world.RegistrationsAt(v);
            if (regs.Count == 0 || !world.InTerritory(v)) continue;
            var (vbo, vboId) = (world.Objects[v], world.Objects[v].Id);
            // A ligplaats or standplaats has no gebruiksdoel: living there is what it is for.
            if (vbo.HasWoonfunctie || vbo.IsPlaats) continue;
            // v2: residence in a care home or a prison is lawful and expected; in logies only when the register says so.
            if (V2 && (V2Rules.Skips(ctx, vboId, regs) || Lawful.Any(vbo.Gebruiksdoelen.Contains)
                || vbo.Gebruiksdoelen.Contains("logiesfunctie") && ctx.P("include_logies") == 0)) continue;
            var residents = 0;
            foreach (var r in regs) if (r.FunctieAdres == "W") residents++;
            if (residents < ctx.P("min_residents")) continue;
            (string, object)[] evidence = [("gebruiksdoelen", string.Join("|", vbo.Gebruiksdoelen.Order(StringComparer.Ordinal))), ("residents", residents)];
            yield return ctx.Raise(this, vboId, vboId, [], V2 ? [.. evidence, V2Rules.OnderzoekEvidence(regs)] : evidence);
        }
    }
}
