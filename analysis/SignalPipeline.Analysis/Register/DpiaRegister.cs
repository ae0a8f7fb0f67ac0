using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalPipeline.Analysis.Register;

/// <summary>The DPIA register: policy as data. Which columns of each source may enter, and which model versions
/// with which parameters, sources and columns the municipality approved, until when. Format: docs/dpia-register.md.</summary>
public sealed record DpiaRegister(
    string RegisterVersion,
    string Municipality,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Sources,
    IReadOnlyList<ModelApproval> Models)
{
    /// <summary>For the Algoritmeregister: the organisation's full name and the contact address for the public.</summary>
    public string? Organization { get; init; }
    public string? ContactEmail { get; init; }

    /// <summary>SHA-256 of the register file's bytes, recorded in every run.</summary>
    [JsonIgnore] public string Sha256 { get; init; } = "";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    public static DpiaRegister Parse(byte[] bytes)
    {
        DpiaRegister? register;
        try { register = JsonSerializer.Deserialize<DpiaRegister>(bytes, Json); }
        catch (JsonException e) { throw new RegisterException($"The DPIA register is not valid JSON: {e.Message}"); }
        if (register is null || register.Models is null || register.Sources is null)
            throw new RegisterException("The DPIA register must have register_version, sources and models.");
        return register with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
    }

    public static DpiaRegister Load(string path)
    {
        if (!File.Exists(path)) throw new RegisterException($"The DPIA register file '{path}' does not exist.");
        return Parse(File.ReadAllBytes(path));
    }

    public IReadOnlyList<string> PermittedColumns(string source) =>
        Sources.TryGetValue(source, out var cols) ? cols : [];

    public ModelApproval? Find(string modelId) => Models.FirstOrDefault(m => m.Id == modelId);

    /// <summary>The approvals' exclusion lists (plain verblijfsobject ids of institutions), pseudonymised with the run's key
    /// so the models compare them with the snapshots; the plain ids never leave the register.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> ExclusionsPseudonymised(Privacy.Pseudonymiser pseudonymiser) =>
        Models.Where(m => m.Exclusions.Count > 0).ToDictionary(m => m.Id,
            m => (IReadOnlySet<string>)m.Exclusions.Select(v => pseudonymiser.Pseudonymise(Privacy.IdKind.Verblijfsobject, v.Trim())).ToHashSet(StringComparer.Ordinal));
}

public enum ApprovalStatus { Approved, Experimental, Suspended }

public sealed record ModelApproval(
    string Id,
    string Version,
    ApprovalStatus Status,
    string Name,
    string Purpose,
    string LegalBasis,
    string Theme,
    string DpiaReference,
    string ApprovedBy,
    DateOnly ApprovedOn,
    DateOnly ReviewBy,
    IReadOnlyDictionary<string, decimal> Parameters,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Reads)
{
    /// <summary>The verwerkingsverantwoordelijke (controller) for this processing.</summary>
    public string? Controller { get; init; }
    /// <summary>The retention terms that apply, in words (protocol art. 12).</summary>
    public string? Retention { get; init; }
    /// <summary>SHA-256 of the model's implementation as approved (docs/dpia-register.md, "code hash"): a build whose model
    /// code differs is refused by the gate. Null: the approval binds no code (refused too).</summary>
    public string? CodeHash { get; init; }
    /// <summary>Objects this model never raises (institutions: maatschappelijke opvang, the municipality's own briefadres,
    /// care homes), as plain verblijfsobject ids; pseudonymised when the register is loaded for a run.</summary>
    public IReadOnlyList<string> Exclusions { get; init; } = [];
    /// <summary>When the model should be stopped: proposed for suspension once met (models.md v2).</summary>
    public StopCriterion? StopCriterion { get; init; }
}

/// <summary>Precision below <paramref name="MinPrecision"/> once at least <paramref name="MinDecisions"/> of its signals are decided.</summary>
public sealed record StopCriterion(int MinDecisions, decimal MinPrecision);

public sealed class RegisterException(string message) : Exception(message);
