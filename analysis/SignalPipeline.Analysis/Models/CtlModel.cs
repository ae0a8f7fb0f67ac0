using SignalPipeline.Analysis.Linking;

namespace SignalPipeline.Analysis.Models;

/// <summary>CTL Controlesteekproef (docs/contracts/models.md v2): each run draws a small random sample of inhabited
/// verblijfsobjecten inside the territory that no other model raised tonight, from a seed recorded in the run. Assessed
/// like any signal, its doorgezet rate is the chance level each model's precision is compared with (lift).</summary>
public sealed class CtlModel : ISignalModel
{
    public string Id => "CTL";
    public string Version => "1.0.0";
    public string Name => "Controlesteekproef";
    public string Theme => "steekproef";
    public string Description => "Elke run {sample_size} willekeurig getrokken bewoonde verblijfsobjecten waar geen enkel model een signaal gaf, om te meten of de modellen beter zijn dan toeval.";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["sample_size"] = 3 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.Location,
    };
    /// <summary>A sample stays until it is decided: tomorrow's draw does not resolve today's.</summary>
    public bool Samples => true;

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"Steekproef: dit verblijfsobject is willekeurig getrokken (seed {e["seed"]}) uit de bewoonde objecten waar geen enkel model een signaal gaf. " +
        "Beoordeel het met dezelfde vraag als elk signaal; de uitkomst laat zien of de modellen beter zijn dan toeval.";

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var seed = ctx.Seed ?? throw new InvalidOperationException("the control sample needs the run's seed");
        ctx.Facts["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Ordinal order first, so the same seed over the same snapshots draws the same objects (replay).
        var world = ctx.World;
        // What the other models raised, as object indexes: a set lookup per candidate object (its pseudonym scattered
        // in memory) took ~0.3 s of a city night; this looks up each raised object once.
        var raised = new bool[world.Objects.Count];
        foreach (var id in ctx.RaisedObjects)
            if (world.IndexOf(id) is var i and >= 0 && world.Objects[i].Id == id) raised[i] = true;
        // The territory's objects in pseudonym order (shared with ANO, which sorted them already), filtered: the order
        // the seeded draw below depends on.
        var candidates = world.TerritoryInPseudonymOrder
            .Where(v => !raised[v] && Inhabited(world.RegistrationsAt(v)))
            .Select(v => world.Objects[v].Id).ToList();
        var random = new Random(seed);
        var size = (int)Math.Min(ctx.P("sample_size"), candidates.Count);
        // A partial Fisher–Yates shuffle: the first `size` are a uniform sample.
        for (var i = 0; i < size; i++)
        {
            var j = random.Next(i, candidates.Count);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }
        foreach (var vboId in candidates.Take(size).Order(StringComparer.Ordinal))
            yield return ctx.Raise(this, $"{vboId}|{ctx.RunId}", vboId, [],
                ("seed", seed), ("residents", world.RegistrationsAt(world.IndexOf(vboId)).Count(r => r.FunctieAdres == "W")));
    }

    static bool Inhabited(ArraySegment<Registration> regs)
    {
        foreach (var r in regs) if (r.FunctieAdres == "W") return true;
        return false;
    }
}
