using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SignalPipeline.Functions.Review;

public sealed class AppServiceAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>App Service authentication is on (<c>WEBSITE_AUTH_ENABLED</c> is <c>True</c>, as App Service sets it).
    /// Only then does the platform strip a client's own <c>X-MS-CLIENT-PRINCIPAL</c> and put the signed-in user's there.</summary>
    public bool Enabled { get; set; }
}

/// <summary>The user as App Service authentication (Easy Auth) passes it: the <c>X-MS-CLIENT-PRINCIPAL</c> header,
/// base64 JSON with the claims. Honoured only when App Service authentication is on; otherwise anyone who can reach the
/// port could claim to be anyone, so a request carrying the header fails (401) and the attempt is logged.
/// (Microsoft.Identity.Web's App Service handler reads the ID-token header instead and brings MSAL along; this
/// contract names the principal header, which carries the roles, so this small handler reads that.)</summary>
public sealed class AppServiceAuthenticationHandler(IOptionsMonitor<AppServiceAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AppServiceAuthenticationOptions>(options, logger, encoder)
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var header)) return Task.FromResult(AuthenticateResult.NoResult());
        if (!Options.Enabled)
        {
            Logger.LogWarning("Refused a request to {Path} from {Address} carrying {Header} while App Service authentication is off (WEBSITE_AUTH_ENABLED is not True)",
                Request.Path.Value, Context.Connection.RemoteIpAddress, Header);
            return Task.FromResult(AuthenticateResult.Fail($"{Header} is only trusted behind App Service authentication"));
        }
        if (Principal.Parse(header.ToString()) is not { } p)
            return Task.FromResult(AuthenticateResult.Fail($"{Header} cannot be read"));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(p.ToClaimsPrincipal(Scheme.Name), Scheme.Name)));
    }
}
