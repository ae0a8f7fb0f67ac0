namespace SignalPipeline.Analysis.Models;

/// <summary>BRF Briefadresconcentratie: postal registrations (functie_adres B) at one VBO ≥ 3.</summary>
public sealed class BrfModel : ISignalModel
{
    public string Id => "BRF";
    public string Version => "1.0.0";
    public string Description => "Een verblijfsobject met minstens {min_postal} briefadressen.";
    public string Name => "Briefadresconcentratie";
    public string Theme => "adresfraude, fraude";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["min_postal"] = 3 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.Location,
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["postal_registrations"]} briefadressen op één verblijfsobject, drempel {Evidence.Number(p["min_postal"])}.";

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        foreach (var (vboId, regs) in ctx.World.RegistrationsByVbo.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var vbo = ctx.World.Vbos[vboId];
            var postal = regs.Count(r => r.FunctieAdres == "B");
            if (!ctx.InTerritory(vbo) || postal < ctx.P("min_postal")) continue;
            yield return ctx.Raise(this, vboId, vboId, [], ("postal_registrations", postal));
        }
    }
}
