using System.Text.Encodings.Web;

namespace SignalPipeline.Functions.Review;

/// <summary>Page frame and encoding. Every value that reaches a page goes through <see cref="E"/>.</summary>
public static class Html
{
    // All Unicode ranges pass as they are (m², ë); markup characters are always encoded.
    static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(string? s) => Encoder.Encode(s ?? "");

    /// <summary>The one stylesheet, served from the app itself: the Content-Security-Policy allows no inline style or script.</summary>
    public const string StylesheetPath = "/review/site.css";

    public const string Stylesheet = """

          body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
          header{background:#154273;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center}
          header a{color:#fff} main{padding:1rem 1.2rem;max-width:1100px}
          .dev{background:#ffb612;color:#000;padding:.3rem 1.2rem;font-weight:600}
          table{border-collapse:collapse;width:100%;background:#fff} th,td{border:1px solid #d0d5dd;padding:.35rem .5rem;text-align:left;vertical-align:top}
          th{background:#e8edf3} .muted{color:#555} code{font-size:.85em} .box{background:#fff;border:1px solid #d0d5dd;padding: .8rem;margin:.8rem 0}
          form.inline{display:inline} label{margin-right:.6rem} .error{border-color:#d52b1e;background:#fdecea}
          .revealed{border:2px solid #d52b1e} tr.flag td{background:#fff3cd} input[name=reason]{width:32rem;max-width:100%}
          header .who{margin-left:auto} .returned strong{color:#8a4b00}
        """;

    public static IResult Page(string title, string body, Principal? user, int status = 200) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="nl"><head><meta charset="utf-8"><title>{{E(title)}} · SignalPipeline</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="{{StylesheetPath}}"></head><body>
        {{(user?.IsDev == true ? "<div class=\"dev\">ONTWIKKELMODUS — aangemeld via de lokale ontwikkel-aanmelding, niet via de identiteitsprovider</div>" : "")}}
        <header><strong>SignalPipeline</strong>{{(user is null || user.IsAny(Principal.SignalRoles) ? "<a href=\"/review\">Signalenregister</a>" : "")}}
        {{(user?.IsAny(Principal.Coordinator) == true ? "<a href=\"/review/betrokkene\">Verzoek betrokkene</a>" : "")}}
        {{(user?.IsAny(Principal.OversightRoles) == true ? "<a href=\"/review/runs\">Nachtruns</a><a href=\"/review/models\">Modellen</a>" : "")}}
        <span class="who">{{(user is null ? "niet aangemeld" : $"{E(user.Name)} ({E(string.Join(", ", user.Roles))})")}}</span></header>
        <main>{{body}}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
