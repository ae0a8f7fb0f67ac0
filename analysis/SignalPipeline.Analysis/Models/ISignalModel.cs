using SignalPipeline.Analysis.Linking;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Models;

/// <summary>What a model gets: the linked pseudonymous world, the reference date, the municipality and the
/// parameters the gate checked.</summary>
public sealed record ModelContext(LinkedWorld World, DateOnly ReferenceDate, string Municipality, IReadOnlyDictionary<string, decimal> Parameters)
{
    public decimal P(string name) => Parameters[name];
}

/// <summary>A named, versioned matching model of models.md. One small class per model.</summary>
public interface ISignalModel
{
    string Id { get; }
    string Version { get; }
    string Name { get; }
    string Theme { get; }
    IReadOnlyDictionary<string, decimal> DefaultParameters { get; }
    /// <summary>Every source column the model reads; the gate checks them against the register.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; }
    IEnumerable<Signal> Run(ModelContext context);
}

public static class ModelCatalogue
{
    public static IReadOnlyList<ISignalModel> V1 { get; } = [new OvbModel()];

    public static ModelDescriptor Describe(ISignalModel m, IReadOnlyDictionary<string, decimal> parameters) =>
        new(m.Id, m.Version, parameters, m.Reads);
}
