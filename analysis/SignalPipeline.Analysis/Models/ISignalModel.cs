using SignalPipeline.Analysis.Linking;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Signals;

namespace SignalPipeline.Analysis.Models;

/// <summary>What a model gets: the linked pseudonymous world, the reference date, the municipality and the
/// parameters the gate checked.</summary>
public sealed record ModelContext(LinkedWorld World, DateOnly ReferenceDate, string Municipality, IReadOnlyDictionary<string, decimal> Parameters)
{
    /// <summary>The run's id and its random seed (the control sample draws with it; recorded, so a replay draws the same).</summary>
    public string RunId { get; init; } = "";
    public int? Seed { get; init; }
    /// <summary>Objects the models before this one raised tonight (the control sample draws outside them).</summary>
    public IReadOnlySet<string> RaisedObjects { get; init; } = new HashSet<string>();
    /// <summary>Objects this model never raises: the approval's exclusion list, pseudonymised (models.md v2).</summary>
    public IReadOnlySet<string> Excluded { get; init; } = new HashSet<string>();

    /// <summary>What a model reports about its own run (e.g. ANO's model hash and score distribution), kept in the run record.</summary>
    public Dictionary<string, string> Facts { get; } = new(StringComparer.Ordinal);

    public decimal P(string name) => Parameters[name];

    /// <summary>Windows count back from the reference date, both ends inclusive; partial or future dates are outside.
    /// Compared as day numbers: ANO asks this for every registration of a city.</summary>
    public bool Within(DateOnly? date, int days) =>
        date is { } d && d.DayNumber <= ReferenceDate.DayNumber && d.DayNumber >= ReferenceDate.DayNumber - days;

    /// <summary>A window given as a model parameter (whole days).</summary>
    public bool Within(DateOnly? date, decimal days) => Within(date, (int)days);

    /// <summary>A signal of this model, its id from the pseudonymised key (docs/contracts/models.md "Signal identity").</summary>
    public Signal Raise(ISignalModel model, string key, string? obj, IReadOnlyList<string> subjects, params (string Name, object Value)[] evidence)
    {
        var text = new (string, string)[evidence.Length];
        for (var i = 0; i < evidence.Length; i++)
            text[i] = (evidence[i].Name, Convert.ToString(evidence[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return new(Signal.IdFor(model.Id, Municipality, key), model.Id, model.Version, model.Theme, obj, subjects, SortedEvidence.Of(text));
    }
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
    /// <summary>The signals, in any order: the runner orders them by signal id, so a model need not sort the world.</summary>
    IEnumerable<Signal> Run(ModelContext context);
    /// <summary>The model's own source files, whose hash an approval binds to (<see cref="CodeHash"/>).</summary>
    IReadOnlyList<string> SourceFiles => [GetType().Name + ".cs"];
    /// <summary>A sampling model (CTL): its open signals are carried, never resolved, when tomorrow's draw differs.</summary>
    bool Samples => false;

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
            ? Extracts.DutchNumbers.Of(d, "0.0") : this[key];
    public static string Number(decimal d) => Extracts.DutchNumbers.Of(d, "0.##");
    /// <summary>An ISO date in the evidence as a Dutch reader writes it: "27 november 2026".</summary>
    public string Date(string key) => Extracts.Dates.Dutch(this[key]);

    /// <summary>A value with codes and ISO dates inside ("last_onder_dwangsom 2025-01-02; …") as Dutch text.</summary>
    public string Text(string key) => Extracts.Dates.DutchText(this[key]);
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
    public static IReadOnlyList<ISignalModel> V1 { get; } = [new OvbModel(), new NwfModel(), new OngModel(), new BrfModel(), new HhcModel(), new BibModel(), new Ano.AnoModel(), new CtlModel()];

    /// <summary>Catalogue v2 (models.md v2): the fairer rules; ANO and CTL are unchanged.</summary>
    public static IReadOnlyList<ISignalModel> V2 { get; } = [new OvbModel(2), new NwfModel(2), new OngModel(2), new BrfModel(2), new HhcModel(2), new BibModel(2), V1[6], V1[7]];

    /// <summary>Every version this build carries.</summary>
    public static IEnumerable<ISignalModel> All => V1.Concat(V2).Distinct();

    /// <summary>What a run uses: per model id, the version the register approves when this build has it, else the newest
    /// (which the gate then refuses with the version it found). A municipality that approved v1 keeps running v1.</summary>
    public static IReadOnlyList<ISignalModel> For(DpiaRegister register) =>
        V2.Select(newest => All.FirstOrDefault(m => m.Id == newest.Id && m.Version == register.Find(newest.Id)?.Version) ?? newest).ToList();

    /// <summary>The newest version of a model (explanations of signals of any version use the version's own text via <see cref="Find(string, string)"/>).</summary>
    public static ISignalModel? Find(string id) => V2.FirstOrDefault(m => m.Id == id);
    public static ISignalModel? Find(string id, string version) => All.FirstOrDefault(m => m.Id == id && m.Version == version) ?? Find(id);

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
        new(m.Id, m.Version, parameters, m.Reads) { CodeHash = CodeHash.Of(m) };
}
