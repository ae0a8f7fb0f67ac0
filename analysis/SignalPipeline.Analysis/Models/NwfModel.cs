namespace SignalPipeline.Analysis.Models;

/// <summary>NWF Bewoning zonder woonfunctie: residents ≥ 1 at a VBO whose gebruiksdoelen lack woonfunctie.</summary>
public sealed class NwfModel : ISignalModel
{
    public string Id => "NWF";
    public string Version => "1.0.0";
    public string Description => "Een verblijfsobject zonder woonfunctie waar minstens {min_residents} bewoner(s) staan ingeschreven.";
    public string Name => "Bewoning zonder woonfunctie";
    public string Theme => "woonfraude, ondermijning bedrijfspanden";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["min_residents"] = 1 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.With("gebruiksdoelen"),
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["residents"]} ingeschrevene(n) als bewoner op een verblijfsobject zonder woonfunctie (gebruiksdoel: {e["gebruiksdoelen"].Replace("|", ", ")}).";

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        foreach (var (vboId, regs) in ctx.World.RegistrationsByVbo.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var vbo = ctx.World.Vbos[vboId];
            // A ligplaats or standplaats has no gebruiksdoel: living there is what it is for.
            if (!ctx.InTerritory(vbo) || vbo.HasWoonfunctie || vbo.IsPlaats) continue;
            var residents = regs.Count(r => r.FunctieAdres == "W");
            if (residents < ctx.P("min_residents")) continue;
            yield return ctx.Raise(this, vboId, vboId, [], ("gebruiksdoelen", string.Join("|", vbo.Gebruiksdoelen.Order(StringComparer.Ordinal))), ("residents", residents));
        }
    }
}
