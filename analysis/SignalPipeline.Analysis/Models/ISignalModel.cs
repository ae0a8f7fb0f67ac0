using SignalPipeline.Analysis.Linking;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Models;

/// <summary>What a model gets: the linked pseudonymous world, the reference date, the municipality and the
/// parameters the gate checked.</summary>
public sealed record ModelContext(LinkedWorld World, DateOnly ReferenceDate, string Municipality, IReadOnlyDictionary<string, decimal> Parameters)
{
    /// <summary>What a model reports about its own run (e.g. ANO's model hash and score distribution), kept in the run record.</summary>
    public Dictionary<string, string> Facts { get; } = new(StringComparer.Ordinal);

    public decimal P(string name) => Parameters[name];

    /// <summary>Windows count back from the reference date, both ends inclusive; partial or future dates are outside.</summary>
    public bool Within(DateOnly? date, decimal days) =>
        date is { } d && d <= ReferenceDate && d >= ReferenceDate.AddDays(-(int)days);

    public bool InTerritory(Vbo vbo) => World.InTerritory(vbo.Gemeente);

    /// <summary>A signal of this model, its id from the pseudonymised key (docs/contracts/models.md "Signal identity").</summary>
    public Signal Raise(ISignalModel model, string key, string? obj, IReadOnlyList<string> subjects, params (string Name, object Value)[] evidence) =>
        new(Signal.IdFor(model.Id, Municipality, key), model.Id, model.Version, model.Theme, obj, subjects,
            new SortedDictionary<string, string>(evidence.ToDictionary(e => e.Name, e => Convert.ToString(e.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""), StringComparer.Ordinal));
}

/// <summary>A named, versioned matching model of docs/contracts/models.md. One small class per model.</summary>
public interface ISignalModel
{
    string Id { get; }
    string Version { get; }
    string Name { get; }
    string Theme { get; }
    /// <summary>The rule in plain Dutch, with {parameter} placeholders (model cards, Algoritmeregister).</summary>
    string Description { get; }
    IReadOnlyDictionary<string, decimal> DefaultParameters { get; }
    /// <summary>Every source column the model reads; the gate checks them against the register.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; }
    /// <summary>What kind of algorithm this is, for the reviewer and the Algoritmeregister: a rule people wrote, or a
    /// model that learns from the data.</summary>
    ModelMethod Method => ModelMethod.Rule;
    IEnumerable<Signal> Run(ModelContext context);

    /// <summary>Why one of its signals was raised, in plain Dutch, from the signal's evidence and the model's
    /// parameters (the coordinator's language; each model explains itself).</summary>
    string Explain(Evidence evidence, IReadOnlyDictionary<string, decimal> parameters);
}

/// <summary>A signal's evidence as an explanation reads it: a missing value shows as "?", never an exception.
/// Decimal commas are written by hand: the app runs with invariant globalization (no ICU needed on the host).</summary>
public readonly record struct Evidence(IReadOnlyDictionary<string, string> Values)
{
    public string this[string key] => Values.TryGetValue(key, out var v) ? v : "?";
    public bool Has(string key) => Values.ContainsKey(key);
    public string Decimal(string key) =>
        decimal.TryParse(this[key], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',') : this[key];
    public static string Number(decimal d) => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',');
}

public enum ModelMethod
{
    /// <summary>A fixed rule over the data (regelgebaseerd).</summary>
    Rule,
    /// <summary>Unsupervised machine learning: an AI system in the sense of the AI Act.</summary>
    UnsupervisedLearning,
}

public static class ModelCatalogue
{
    public static IReadOnlyList<ISignalModel> V1 { get; } = [new OvbModel(), new NwfModel(), new OngModel(), new BrfModel(), new HhcModel(), new BibModel(), new Ano.AnoModel()];

    public static ISignalModel? Find(string id) => V1.FirstOrDefault(m => m.Id == id);

    /// <summary>The model's defaults with the deployed values on top (what the gate checks and the model runs with).</summary>
    public static IReadOnlyDictionary<string, decimal> ParametersFor(ISignalModel m, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>? deployed)
    {
        var parameters = new Dictionary<string, decimal>(m.DefaultParameters);
        if (deployed?.TryGetValue(m.Id, out var over) == true)
            foreach (var (k, v) in over) parameters[k] = v;
        return parameters;
    }

    /// <summary>Why a signal of this model was raised, with the deployed parameters.</summary>
    public static string Explain(string modelId, IReadOnlyDictionary<string, string> evidence, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>? deployed = null) =>
        Find(modelId) is { } m ? m.Explain(new Evidence(evidence), ParametersFor(m, deployed))
            : string.Join(", ", evidence.Select(p => $"{p.Key}: {p.Value}"));

    /// <summary>The description with the parameter values filled in.</summary>
    public static string Explain(ISignalModel m, IReadOnlyDictionary<string, decimal> parameters) =>
        parameters.Aggregate(m.Description, (text, p) => text.Replace("{" + p.Key + "}", p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static ModelDescriptor Describe(ISignalModel m, IReadOnlyDictionary<string, decimal> parameters) =>
        new(m.Id, m.Version, parameters, m.Reads);
}
