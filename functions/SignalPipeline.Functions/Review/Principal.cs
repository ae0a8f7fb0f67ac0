using System.Security.Claims;
using System.Text;
using System.Text.Json;

namespace SignalPipeline.Functions.Review;

/// <summary>The signed-in user as the pages and the audit log name it: from App Service authentication's
/// <c>X-MS-CLIENT-PRINCIPAL</c> header (base64 JSON with claims), or in Development from the signed sign-in cookie.</summary>
public sealed record Principal(string Name, IReadOnlySet<string> Roles, bool IsDev)
{
    public const string Coordinator = "coordinator", Oov = "oov", DpiaReviewer = "dpia-reviewer", Admin = "admin";
    public static readonly string[] SignalRoles = [Coordinator, Oov];
    /// <summary>Runs, models and lineage: no signal content and no identities, so reviewers and operations may look.</summary>
    public static readonly string[] OversightRoles = [DpiaReviewer, Coordinator, Admin];

    public bool IsAny(params string[] roles) => roles.Any(Roles.Contains);

    /// <summary>The user authentication established for this request (<see cref="ReviewIdentity"/>), or null.</summary>
    public static Principal? From(HttpContext http)
    {
        var user = http.User;
        if (user.Identity is not { IsAuthenticated: true } identity) return null;
        return new Principal(identity.Name ?? "onbekend", user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase),
            identity.AuthenticationType == ReviewIdentity.DevScheme);
    }

    public static Principal? From(HttpRequest request) => From(request.HttpContext);

    public ClaimsPrincipal ToClaimsPrincipal(string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, Name), .. Roles.Select(r => new Claim(ClaimTypes.Role, r))], scheme, ClaimTypes.Name, ClaimTypes.Role));

    public static Principal? Parse(string base64)
    {
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            var root = doc.RootElement;
            var nameType = root.TryGetProperty("name_typ", out var n) ? n.GetString() : null;
            var roleType = root.TryGetProperty("role_typ", out var r) ? r.GetString() : null;
            string name = "onbekend";
            var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var claim in root.GetProperty("claims").EnumerateArray())
            {
                var typ = claim.GetProperty("typ").GetString();
                var val = claim.GetProperty("val").GetString() ?? "";
                if (typ == nameType || typ == "name") name = val;
                if (typ == roleType || typ is "roles" or "http://schemas.microsoft.com/ws/2008/06/identity/claims/role") roles.Add(val);
            }
            return new Principal(name, roles, false);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException) { return null; }
    }

    public static string Encode(string name, string role) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = "dev", name_typ = "name", role_typ = "roles",
            claims = new[] { new { typ = "name", val = name }, new { typ = "roles", val = role } },
        })));
}
