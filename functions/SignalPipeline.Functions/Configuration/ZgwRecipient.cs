using Microsoft.Extensions.Configuration;

namespace SignalPipeline.Functions.Configuration;

/// <summary>A recipient's zaaksysteem (ZGW Zaken API 1.5): where its zaken live, the zaaktype and roltype our zaken get,
/// our RSIN, and the client id and secret for ZGW's JWT (HS256) authorisation. Settings <c>Zgw:Recipients:{name}:…</c>
/// (the secret belongs in Key Vault, referenced from the app setting).</summary>
public sealed record ZgwRecipient(string ZakenApi, string Zaaktype, string Roltype, string Bronorganisatie, string ClientId, string Secret)
{
    /// <summary>The configured recipients by name (e.g. "Politie Oost-Brabant", "VTH"); incomplete entries are left out.</summary>
    public static IReadOnlyDictionary<string, ZgwRecipient> From(IConfiguration c) =>
        c.GetSection("Zgw:Recipients").GetChildren()
            .Where(r => new[] { "ZakenApi", "Zaaktype", "Roltype", "Bronorganisatie", "ClientId", "Secret" }.All(k => !string.IsNullOrWhiteSpace(r[k])))
            .ToDictionary(r => r.Key, r => new ZgwRecipient(r["ZakenApi"]!, r["Zaaktype"]!, r["Roltype"]!, r["Bronorganisatie"]!, r["ClientId"]!, r["Secret"]!));
}
