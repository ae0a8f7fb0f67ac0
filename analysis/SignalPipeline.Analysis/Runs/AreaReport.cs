using SignalPipeline.Analysis.Linking;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Runs;

public sealed record AreaReportOptions(decimal MaxRatio = 2.0m, int MinSignals = 3);

/// <summary>Signals of one PC4 area against its residents. <see cref="Flagged"/>: the area's signals per 1 000
/// residents exceed <see cref="AreaReportOptions.MaxRatio"/> times the municipality's rate, with at least
/// <see cref="AreaReportOptions.MinSignals"/> signals (small numbers are not flagged).</summary>
public sealed record AreaRow(string Pc4, int Residents, int Signals, decimal SignalsPer1000, bool Flagged);

public static class AreaReport
{
    public const string Unknown = "onbekend";

    /// <summary>Open signals (new and continuing, not shadow) per PC4 of their verblijfsobject.</summary>
    public static IReadOnlyList<AreaRow> Build(IEnumerable<RunSignal> signals, LinkedWorld world, IReadOnlyDictionary<string, int> residentsPerPc4, AreaReportOptions options)
    {
        var perArea = signals.Where(s => !s.Shadow && s.State is RunState.New or RunState.Continuing)
            .GroupBy(s => s.Signal.Object is { } o && world.Find(o)?.Pc4 is { } pc4 ? pc4 : Unknown)
            .ToDictionary(g => g.Key, g => g.Count());
        var totalResidents = residentsPerPc4.Values.Sum();
        var totalSignals = perArea.Values.Sum();
        var overall = totalResidents == 0 ? 0m : totalSignals * 1000m / totalResidents;
        return residentsPerPc4.Keys.Union(perArea.Keys).Order(StringComparer.Ordinal).Select(pc4 =>
        {
            var residents = residentsPerPc4.GetValueOrDefault(pc4);
            var n = perArea.GetValueOrDefault(pc4);
            var rate = residents == 0 ? 0m : Math.Round(n * 1000m / residents, 1);
            var flagged = pc4 != Unknown && n >= options.MinSignals && residents > 0 && overall > 0 && rate > options.MaxRatio * overall;
            return new AreaRow(pc4, residents, n, rate, flagged);
        }).ToList();
    }
}
