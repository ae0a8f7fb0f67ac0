using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Models.Ano;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

public class AnoTests
{
    /// <summary>Rows on a three-factor structure (household size, activity, use) with small noise, like real VBOs: the
    /// features move together, and rank 3 can describe them. Feature order as <see cref="AnoFeatures.Names"/>.</summary>
    static float[][] Structured(int n, int seed)
    {
        var rnd = new Random(seed);
        double G() => Math.Sqrt(-2 * Math.Log(1 - rnd.NextDouble())) * Math.Cos(2 * Math.PI * rnd.NextDouble());
        return Enumerable.Range(0, n).Select(_ =>
        {
            double h = G(), a = G(), u = G();
            float N(double scale) => (float)(G() * scale);
            return new[]
            {
                (float)(2.5 + 1.0 * h) + N(0.2), (float)(0.3 + 0.2 * a) + N(0.05), (float)(35 - 10 * h + 5 * u) + N(2), (float)(0.2 + 0.05 * a) + N(0.01),
                (float)(0.5 + 0.4 * a - 0.1 * u) + N(0.05), (float)(0.4 + 0.3 * u) + N(0.05), (float)(0.9 + 0.05 * h - 0.03 * u) + N(0.01),
            };
        }).ToArray();
    }

    [Fact]
    public void Planted_outlier_is_found_with_the_expected_top_features()
    {
        var rows = Structured(2000, 11);
        // Ordinary in every respect but many postal registrations without the activity that usually comes with them.
        rows[777] = [2.5f, 2.5f, 35f, 0.2f, 0.5f, 0.4f, 0.9f];
        var result = PcaAnomalyScorer.Score(rows, 3, 20, 42);
        Assert.True(Array.IndexOf(result.Scores, result.Scores.Max()) == 777, $"planted {result.Scores[777]:F2}, max {result.Scores.Max():F2} at {Array.IndexOf(result.Scores, result.Scores.Max())}: {string.Join(",", rows[Array.IndexOf(result.Scores, result.Scores.Max())])}");
        Assert.True(result.Scores[777] > 10, $"score {result.Scores[777]}");
        var top = result.Contributions[777].Select((c, j) => (c, j)).OrderByDescending(p => p.c).Take(3).Select(p => AnoFeatures.Names[p.j]).ToList();
        Assert.Equal("postal_registrations", top[0]);
        Assert.Contains("postal_registrations", top);
    }

    [Fact]
    public void Data_without_outliers_scores_nothing_above_the_minimum()
    {
        var result = PcaAnomalyScorer.Score(Structured(2000, 12), 3, 20, 42);
        Assert.True(result.Scores.Max() < 10, $"max score {result.Scores.Max()}");
    }

    [Fact]
    public void Same_matrix_gives_identical_scores_and_model_bytes()
    {
        var rows = Structured(500, 13);
        var a = PcaAnomalyScorer.Score(rows, 3, 20, 42);
        var b = PcaAnomalyScorer.Score(rows, 3, 20, 42);
        Assert.Equal(a.Scores, b.Scores);
        Assert.Equal(a.ModelSha256, b.ModelSha256);
    }
}
