using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Storage;
using static SignalPipeline.Functions.Review.Html;
using SignalPipeline.Functions.Composition;

namespace SignalPipeline.Functions.Review;

/// <summary>The coordinator's review UI (Dutch), forwarded by the Functions host from the <c>Review</c> HTTP function.
/// Endpoints stay thin: check the role, read the register, render.</summary>
public static class ReviewEndpoints
{
    const int PageSize = 25;

    /// <summary>The nightly states in the coordinator's words; the stored and exported values stay as in docs/contracts/models.md.</summary>
    static string Nl(RunState state) => state switch { RunState.New => "nieuw", RunState.Continuing => "doorlopend", RunState.Resolved => "opgelost", _ => "overgenomen" };

    static string Evidence(IReadOnlyDictionary<string, string> evidence) => string.Join("<br>", evidence.Select(e => $"{E(e.Key)}: {E(e.Value)}"));

    /// <summary>The review UI and API as endpoint groups, one per audience, each requiring its policy.</summary>
    public static void Map(WebApplication app, AppServices services)
    {
        var signals = app.MapGroup("/review").RequireAuthorization(Policies.Signals);
        var coordinator = app.MapGroup("/review").RequireAuthorization(Policies.Coordinator);
        var oversight = app.MapGroup("/review").RequireAuthorization(Policies.Oversight);
        var dpia = app.MapGroup("/review").RequireAuthorization(Policies.DpiaReviewer);
        app.MapGet(Html.StylesheetPath, () => Results.Text(Html.Stylesheet, "text/css; charset=utf-8")).AllowAnonymous();
        MapSignals(signals);
        ActionEndpoints.Map(coordinator);
        SubjectEndpoints.Map(coordinator);
        ReviewerEndpoints.Map(oversight, dpia);
        if (services.Settings.DevSignIn) ReviewIdentity.MapDevSignIn(app);
    }

    static void MapSignals(RouteGroupBuilder group)
    {
        group.MapGet("", ListAsync);
        group.MapGet("/signals/{id}", SignalAsync);
    }

    static async Task<IResult> ListAsync(HttpRequest req, AppServices services, string? model, string? theme, string? status, string? state, string? from, string? to, string? inactive, int? page, CancellationToken ct)
    {
        var user = Principal.From(req)!;
        var all = await services.Register.ListAsync(ct);
        var intakeErrors = await services.Intake.ErrorsAsync(ct);
        // Dates compare as yyyy-MM-dd text; a malformed bound simply matches nothing beyond it.
        var filtered = all.Where(c => (c.IsActive || inactive == "1") && (string.IsNullOrEmpty(model) || c.Model == model) && (string.IsNullOrEmpty(status) || ExportService.Name(c.Review) == status)
                && (string.IsNullOrEmpty(theme) || c.Theme == theme) && (string.IsNullOrEmpty(state) || ExportService.Name(c.Nightly) == state)
                && (string.IsNullOrEmpty(from) || string.CompareOrdinal(c.LastReferenceDate, from) >= 0)
                && (string.IsNullOrEmpty(to) || string.CompareOrdinal(c.LastReferenceDate, to) <= 0))
            .OrderByDescending(c => c.Returned).ThenByDescending(c => c.LastReferenceDate, StringComparer.Ordinal).ThenBy(c => c.SignalId, StringComparer.Ordinal).ToList();
        var p = Math.Max(1, page ?? 1);
        var rows = string.Concat(filtered.Skip((p - 1) * PageSize).Take(PageSize).Select(c => $"""
            <tr><td><a href="/review/signals/{E(c.SignalId)}">{E(c.SignalId)}</a></td><td>{E(c.Model)}</td><td>{E(c.Theme)}</td>
            <td>{E(CandidateRegister.Nl(c.Review))}{(c.Returned ? " <strong class=\"returned\">teruggekeerd</strong>" : "")}</td><td>{E(Nl(c.Nightly))}</td><td>{E(c.LastReferenceDate)}</td><td>{E(ModelCatalogue.Explain(c.Model, c.Evidence, services.Settings.ModelParameters))}</td></tr>
            """));
        string Opt(string? current, string value, string? label = null) => $"<option value=\"{E(value)}\"{(current == value ? " selected" : "")}>{(value == "" ? "alle" : E(label ?? value))}</option>";
        var models = all.Select(c => c.Model).Distinct().Order().Prepend("");
        var themes = all.Select(c => c.Theme).Distinct().Order().Prepend("");
        var query = $"model={Uri.EscapeDataString(model ?? "")}&theme={Uri.EscapeDataString(theme ?? "")}&status={Uri.EscapeDataString(status ?? "")}&state={Uri.EscapeDataString(state ?? "")}&from={Uri.EscapeDataString(from ?? "")}&to={Uri.EscapeDataString(to ?? "")}";
        var body = $"""
            <h1>Signalenregister — kandidaten</h1>
            {(intakeErrors.Count == 0 ? "" : $"""
            <div class="box error" id="intake-errors"><strong>Intake-fouten ({intakeErrors.Count}):</strong> deze berichten konden niet in het register worden opgenomen en staan in de wachtrij phase1-intake-poison. Meld dit bij beheer.
            <ul>{string.Concat(intakeErrors.Select(x => $"<li>{x.InsertedOn:yyyy-MM-dd HH:mm} · {E(x.SignalId ?? "onbekend signaal")} · {E(x.Problem)}</li>"))}</ul></div>
            """)}
            <form method="get" class="box">
              <label>Model <select name="model">{string.Concat(models.Select(m => Opt(model, m)))}</select></label>
              <label>Thema <select name="theme">{string.Concat(themes.Select(t => Opt(theme, t)))}</select></label>
              <label>Status <select name="status">{Opt(status, "")}{string.Concat(new[] { ReviewState.Open, ReviewState.Registered, ReviewState.Dismissed }.Select(s => Opt(status, ExportService.Name(s), CandidateRegister.Nl(s))))}</select></label>
              <label>Nachtrun <select name="state">{Opt(state, "")}{string.Concat(new[] { RunState.New, RunState.Continuing, RunState.Resolved }.Select(s => Opt(state, ExportService.Name(s), Nl(s))))}</select></label>
              <label>Peildatum van <input type="date" name="from" value="{E(from)}"></label>
              <label>tot en met <input type="date" name="to" value="{E(to)}"></label>
              <label><input type="checkbox" name="inactive" value="1"{(inactive == "1" ? " checked" : "")}> ook niet-actieve</label>
              <button type="submit">Filteren</button>
            </form>
            <p class="muted">{filtered.Count} signalen{(filtered.Count > PageSize ? $", pagina {p} van {(filtered.Count + PageSize - 1) / PageSize}" : "")}. Alleen pseudoniemen; een identiteit tonen vraagt een reden en wordt gelogd.</p>
            <table id="signals"><thead><tr><th>Signaal</th><th>Model</th><th>Thema</th><th>Status</th><th>Nachtrun</th><th>Peildatum</th><th>Waarom</th></tr></thead>
            <tbody>{rows}</tbody></table>
            {(p > 1 ? $"<a href=\"?{E(query)}&page={p - 1}\">vorige</a> " : "")}
            {(p * PageSize < filtered.Count ? $"<a href=\"?{E(query)}&page={p + 1}\">volgende</a>" : "")}
            """;
        return Page("Signalenregister", body, user);
    }

    static async Task<IResult> SignalAsync(HttpContext http, AppServices services, string id, CancellationToken ct)
    {
        var req = http.Request;
        var user = Principal.From(req)!;
        if (await services.Register.GetAsync(id, ct) is not { } c) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
        await services.Audit.WriteAsync(new AuditEntry(services.Clock.GetUtcNow(), user.Name, string.Join(",", user.Roles), "view", id, null, null), ct);
        var history = await services.Register.HistoryAsync(id, ct);
        var observations = await services.Register.ObservationsAsync(id, ct);
        var body = $"""
            <h1>Signaal {E(c.SignalId)}</h1>
            {Returned(c, observations)}
            <div class="box" id="explanation"><strong>Waarom:</strong> {E(ModelCatalogue.Explain(c.Model, c.Evidence, services.Settings.ModelParameters))}</div>
            <table><tr><th>Model</th><td>{E(c.Model)} {E(c.ModelVersion)}</td></tr><tr><th>Thema</th><td>{E(c.Theme)}</td></tr>
            <tr><th>Status</th><td id="status">{E(CandidateRegister.Nl(c.Review))}</td></tr><tr><th>Nachtrun</th><td>{E(Nl(c.Nightly))} (laatst gevonden in run {E(c.LastRunId)}, peildatum {E(c.LastReferenceDate)})</td></tr>
            <tr><th>Object (pseudoniem)</th><td><code>{E(c.Object)}</code></td></tr>
            <tr><th>Bewijs</th><td>{Evidence(c.Evidence)}</td></tr></table>
            {(c.Decision is { } d ? $"<p class=\"box\" id=\"decision\">Besluit <strong>{E(CandidateRegister.Nl(d.State))}</strong> op {d.At:yyyy-MM-dd HH:mm} door {E(d.Actor)}: “{E(d.Reason)}” — genomen op de waarneming uit run {E(d.ObservationRunId)}.</p>" : "")}
            <h2>Herkomst</h2>
            <table id="lineage"><tr><th>Bron</th><th>Snapshot</th><th>Bestand</th><th>SHA-256</th><th>Rijen</th></tr>
            {string.Concat(c.Lineage.Snapshots.Select(s => $"<tr><td>{E(s.Source)}</td><td>{E(s.SnapshotId)}</td><td>{E(s.FileName)}</td><td><code>{E(s.Sha256)}</code></td><td>{s.Rows}</td></tr>"))}
            </table>
            <p><a href="/review/lineage/{E(c.SignalId)}">Volledige herkomst</a> · Run {E(c.FirstRunId)} · DPIA {E(c.Lineage.DpiaReference)} · register {E(c.Lineage.RegisterVersion)} (<code>{E(c.Lineage.RegisterSha256[..Math.Min(12, c.Lineage.RegisterSha256.Length)])}</code>)</p>
            {(user.IsAny(Principal.Coordinator) ? ActionEndpoints.Forms(http, c) + SubjectEndpoints.InformationDutyForm(http, c) : "<p class=\"muted\">Beslissen en identiteit tonen kan alleen de informatiecoördinator.</p>")}
            {(c.IsActive ? "" : $"<p class=\"box\" id=\"non-active\">Niet-actief sinds {c.NonActiveSince:yyyy-MM-dd}; wordt na de bewaartermijn verwijderd (protocol art. 12).</p>")}
            <h2>Waarnemingen ({observations.Count})</h2>
            <table id="observations"><tr><th>Run</th><th>Peildatum</th><th>Modelversie</th><th>Bewijs</th></tr>
            {string.Concat(observations.Select(o => $"<tr><td>{E(o.RunId)}</td><td>{E(o.ReferenceDate)}</td><td>{E(o.ModelVersion)}</td><td>{Evidence(o.Evidence)}</td></tr>"))}
            </table>
            <h2>Geschiedenis</h2>
            <table id="history"><tr><th>Wanneer</th><th>Gebeurtenis</th><th>Door</th><th>Toelichting</th></tr>
            {string.Concat(history.Select(h => $"<tr><td>{h.At:yyyy-MM-dd HH:mm}</td><td>{E(h.Event)}</td><td>{E(h.Actor)}</td><td>{E(h.Detail)}</td></tr>"))}
            </table>
            """;
        return Page($"Signaal {id}", body, user);
    }

    /// <summary>A returned signal shows the earlier decision and the evidence it was based on beside the new evidence.</summary>
    static string Returned(SignalState c, IReadOnlyList<Observation> observations)
    {
        if (!c.Returned) return "";
        var earlier = c.PreviousDecision ?? c.Decision;
        var basis = earlier is null ? null : observations.FirstOrDefault(o => o.RunId == earlier.ObservationRunId);
        return $"""
            <div class="box returned" id="returned"><strong>Teruggekeerd:</strong> dit signaal was {(earlier is null ? "opgelost" : $"{E(CandidateRegister.Nl(earlier.State))} op {earlier.At:yyyy-MM-dd} (“{E(earlier.Reason)}”)")} en is opnieuw gesignaleerd. Beoordeel het opnieuw.
            <table><tr><th>Bewijs bij het eerdere besluit</th><th>Nieuw bewijs</th></tr>
            <tr><td>{(basis is null ? "—" : Evidence(basis.Evidence))}</td><td>{Evidence(c.Evidence)}</td></tr></table></div>
            """;
    }
}
