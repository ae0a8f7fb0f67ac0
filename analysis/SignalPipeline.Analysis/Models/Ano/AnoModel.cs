using System.Globalization;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Models.Ano;

/// <summary>ANO Anomalie: an unsupervised RandomizedPca over per-VBO features, trained each night on that night's
/// matrix (never on the coordinator's decisions). Fires above the percentile and the minimum score; evidence is the
/// score, its percentile and the three features that contribute most, with their values.</summary>
public sealed class AnoModel : ISignalModel
{
    public string Id => "ANO";
    public string Version => "1.0.0";
    public string Description => "Een verblijfsobject waarvan de combinatie van kenmerken (bewoners, briefadressen, m² per bewoner, aandeel recent ingeschrevenen, handhavingszaken, vergunningen, woonfunctie) sterk afwijkt van de andere objecten: anomaliescore boven het {percentile}e percentiel en minstens {min_score}.";
    public string Name => "Anomalie";
    public string Theme => "ondermijning algemeen";
    public ModelMethod Method => ModelMethod.UnsupervisedLearning;
    public IReadOnlyList<string> SourceFiles => ["Ano/AnoModel.cs", "Ano/AnoFeatures.cs", "Ano/PcaAnomalyScorer.cs"];

    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal>
    {
        ["rank"] = 3, ["oversampling"] = 20, ["percentile"] = 99.9m, ["min_score"] = 10, ["m2_cap"] = 200, ["seed"] = 42,
    };

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = Models.Reads.With("bsn", "functie_adres", "datum_aanvang_adreshouding"),
        ["bag"] = Models.Reads.With("gebruiksdoelen", "oppervlakte"),
        ["permits"] = Models.Reads.With("status", "datum_aanvraag"),
        ["enforcement"] = Models.Reads.With("handhavingstype", "status", "datum_start"),
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"Afwijkend patroon: anomaliescore {e["score"]}, hoger dan {e["percentile"].Replace('.', ',')}% van de objecten. Meest bepalend: " +
        string.Join(", ", new[] { "feature_1", "feature_2", "feature_3" }.Where(e.Has).Select(k => e[k].Replace('_', ' '))) + ".";

    public IEnumerable<Signal> Run(ModelContext ctx)
    {
        var (ids, rows) = AnoFeatures.Compute(ctx, ctx.P("m2_cap"));
        if (ids.Length < (int)ctx.P("rank") + 2)
        {
            ctx.Facts["note"] = $"too few objects ({ids.Length}) to train";
            return [];
        }
        var result = PcaAnomalyScorer.Score(rows, (int)ctx.P("rank"), (int)ctx.P("oversampling"), (int)ctx.P("seed"));
        // Array.Sort on the doubles themselves: LINQ's Order() took ~0.2 s for a city's half a million scores.
        var sorted = result.Scores.ToArray();
        Array.Sort(sorted);
        double Quantile(double q) => sorted[Math.Clamp((int)Math.Ceiling(q / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        var threshold = Math.Max(Quantile((double)ctx.P("percentile")), (double)ctx.P("min_score"));

        ctx.Facts["model_sha256"] = result.ModelSha256;
        ctx.Facts["objects_scored"] = ids.Length.ToString(CultureInfo.InvariantCulture);
        foreach (var q in new[] { 50.0, 90.0, 99.0, 99.9, 100.0 })
            ctx.Facts[$"score_p{q.ToString(CultureInfo.InvariantCulture)}"] = Quantile(q).ToString("0.00", CultureInfo.InvariantCulture);
        ctx.Facts["threshold"] = threshold.ToString("0.00", CultureInfo.InvariantCulture);

        var signals = new List<Signal>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (result.Scores[i] < threshold) continue;
            var rankBelow = Array.BinarySearch(sorted, result.Scores[i]);
            var percentile = 100.0 * ((rankBelow < 0 ? ~rankBelow : rankBelow) + 1) / sorted.Length;
            var top = result.Contributions[i].Select((c, j) => (c, j)).OrderByDescending(p => p.c).ThenBy(p => p.j).Take(3).ToArray();
            var evidence = new List<(string, object)>
            {
                ("score", result.Scores[i].ToString("0.00", CultureInfo.InvariantCulture)),
                ("percentile", percentile.ToString("0.0", CultureInfo.InvariantCulture)),
            };
            for (var t = 0; t < top.Length; t++)
                evidence.Add(($"feature_{t + 1}", $"{AnoFeatures.Names[top[t].j]}={rows[i][top[t].j].ToString("0.##", CultureInfo.InvariantCulture)}"));
            signals.Add(ctx.Raise(this, ids[i], ids[i], [], [.. evidence]));
        }
        return signals;
    }
}
