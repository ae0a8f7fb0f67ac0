using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Publication;
using SignalPipeline.Functions.Storage;
using static SignalPipeline.Functions.Review.Html;
using SignalPipeline.Functions.Composition;

namespace SignalPipeline.Functions.Review;

/// <summary>The DPIA reviewer's view (Dutch): runs, what each used and decided, model cards, per-signal lineage, the
/// OpenLineage events and Algoritmeregister entries. Never signal content, never identities.</summary>
public static class ReviewerEndpoints
{
    /// <summary>Mapped on the oversight group (policy <see cref="Policies.Oversight"/>); shadow models' would-be
    /// signals on the DPIA reviewer's group only.</summary>
    public static void Map(RouteGroupBuilder app, RouteGroupBuilder dpia)
    {
        app.MapGet("/runs", RunsAsync);
        app.MapGet("/runs/{id}", RunAsync);
        dpia.MapGet("/runs/{id}/schaduw", ShadowAsync);
        app.MapGet("/runs/{id}/openlineage", OpenLineageAsync);
        app.MapGet("/models", ModelsAsync);
        app.MapGet("/models/{id}/algoritmeregister.json", AlgoritmeregisterEntryJson);
        app.MapGet("/lineage/{signalId}", LineageAsync);
    }

    static async Task<IResult> RunsAsync(HttpRequest req, AppServices services, CancellationToken ct)
    {
        var rows = new List<string>();
        foreach (var id in (await services.Runs.ListIdsAsync(ct)).Reverse().Take(100))
        {
            if (await services.Runs.GetAsync(id, ct) is not { } r) continue;
            rows.Add($"""
                <tr><td><a href="/review/runs/{E(id)}">{E(id)}</a></td><td>{E(r.ReferenceDate)}</td><td>{E(r.Trigger)}</td>
                <td>{r.Models.Count(m => m.Outcome != "refused")} / {r.Models.Count}</td><td>{E(string.Join(", ", r.Models.Where(m => m.Outcome == "refused").Select(m => m.Model)))}</td>
                <td>{r.Models.Sum(m => m.New)} / {r.Models.Sum(m => m.Continuing)} / {r.Models.Sum(m => m.Resolved)}</td><td>{r.AreaReport.Count(a => a.Flagged)}</td></tr>
                """);
        }
        var chain = await services.Audit.VerifyAsync(ct);
        return Page("Nachtruns", $"""
            <h1>Nachtruns</h1>
            <p class="box{(chain.Intact ? "" : " error")}" id="audit-chain">{(chain.Intact
                ? $"Auditlog: de hashketen is intact ({chain.Entries} vastleggingen, gecontroleerd vanaf de eerste)."
                : $"Auditlog: de hashketen is VERBROKEN — {E(chain.FirstBroken)}. Meld dit bij de functionaris gegevensbescherming.")}</p>
            <table id="runs"><tr><th>Run</th><th>Peildatum</th><th>Aanleiding</th><th>Modellen gedraaid</th><th>Geweigerd</th><th>Nieuw / doorlopend / opgelost</th><th>Gemarkeerde gebieden</th></tr>
            {string.Concat(rows)}</table>
            """, Principal.From(req));
    }

    static async Task<IResult> RunAsync(HttpRequest req, AppServices services, string id, CancellationToken ct)
    {
        var user = Principal.From(req);
        if (await services.Runs.GetAsync(id, ct) is not { } r) return Page("Niet gevonden", "<h1>Run niet gevonden</h1>", user, 404);
        var snapshots = new List<string>();
        foreach (var use in r.Snapshots)
        {
            var m = await services.Snapshots.GetManifestAsync(use.SnapshotId, ct);
            snapshots.Add($"""
                <tr><td>{E(use.Source)}</td><td>{E(use.FileName)}<br><span class="muted">{E(use.SnapshotId)}</span></td><td><code>{E(use.Sha256)}</code></td>
                <td>{m?.RowsRead} / {m?.RowsAccepted} / {m?.RowsRejected} / {m?.RowsDuplicate}</td>
                <td>{E(string.Join("; ", m?.ColumnsDiscarded.Select(d => $"{d.Name} ({d.Reason})") ?? []))}</td>
                <td>{E(string.Join(", ", m?.ColumnsPseudonymised ?? []))}</td><td>{E(m?.PseudonymKeyVersion)} / {E(m?.EnvelopeKeyVersion)}</td><td>{E(m?.Encoding)}</td></tr>
                """);
        }
        var models = string.Concat(r.Models.Select(m => $"""
            <tr><td>{E(m.Model)} {E(m.Version)}</td><td>{E(m.Outcome switch { "ran" => "gedraaid", "shadow" => "schaduw", "failed" => "mislukt", _ => "geweigerd" })}</td><td>{E(m.Reason)}</td>
            <td>{E(m.DpiaReference)}</td><td>{E(string.Join(", ", m.Parameters.Select(p => $"{p.Key}={p.Value}")))}</td><td>{m.New} / {m.Continuing} / {m.Resolved}</td></tr>
            """));
        var areas = string.Concat(r.AreaReport.Select(a => $"""
            <tr{(a.Flagged ? " class=\"flag\"" : "")}><td>{E(a.Pc4)}</td><td>{a.Residents}</td><td>{a.Signals}</td><td>{a.SignalsPer1000:0.0}</td><td>{(a.Flagged ? "ja" : "")}</td></tr>
            """));
        var shadowLink = r.Models.Any(m => m.Outcome == "shadow")
            ? $"<h2>Schaduwmodellen</h2><p><a href=\"/review/runs/{E(r.RunId)}/schaduw\" id=\"shadow-link\">Wat de schaduwmodellen zouden signaleren</a> (alleen voor de DPIA-beoordelaar).</p>" : "";
        return Page($"Run {id}", $"""
            <h1>Run {E(r.RunId)}</h1>
            <p>Peildatum {E(r.ReferenceDate)} · aanleiding {E(r.Trigger)} · gestart {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC · duur {r.DurationSeconds:0.0} s ·
            grondgebied {E(string.Join(", ", r.Territory))} · vorige run {E(r.PreviousRunId ?? "geen")}</p>
            <p>DPIA-register {E(r.RegisterVersion)}, SHA-256 <code>{E(r.RegisterSha256)}</code> · <a href="/review/runs/{E(r.RunId)}/openlineage">OpenLineage-events</a></p>
            <h2>Bronnen</h2>
            <table id="snapshots"><tr><th>Bron</th><th>Bestand</th><th>SHA-256</th><th>Rijen gelezen / geaccepteerd / afgewezen / dubbel</th><th>Kolommen verwijderd</th><th>Gepseudonimiseerd</th><th>Sleutelversies</th><th>Codering</th></tr>
            {string.Concat(snapshots)}</table>
            <p>Niet gekoppeld: {E(string.Join(", ", r.Unlinked.Select(u => $"{u.Key} {u.Value}")))}</p>
            <h2>Modellen</h2>
            <table id="models"><tr><th>Model</th><th>Uitkomst</th><th>Reden weigering</th><th>DPIA</th><th>Parameters</th><th>Nieuw / doorlopend / opgelost</th></tr>{models}</table>
            <h2>Spreiding over postcodegebieden</h2>
            <p class="muted">Open signalen per PC4 tegen ingeschrevenen per PC4. Gemarkeerd: meer dan {services.Settings.AreaReport.MaxRatio} keer het gemeentelijke gemiddelde, bij minstens {services.Settings.AreaReport.MinSignals} signalen.</p>
            <table id="areas"><tr><th>PC4</th><th>Ingeschrevenen</th><th>Signalen</th><th>Per 1 000</th><th>Gemarkeerd</th></tr>{areas}</table>
            {shadowLink}
            """, user);
    }

    static async Task<IResult> ShadowAsync(HttpRequest req, AppServices services, string id, CancellationToken ct)
    {
        var user = Principal.From(req);
        if (await services.Runs.GetAsync(id, ct) is not { } r) return Page("Niet gevonden", "<h1>Run niet gevonden</h1>", user, 404);
        return Page($"Schaduwmodellen {id}", $"<h1>Run {E(r.RunId)}</h1>{await ShadowSectionAsync(services, r, ct)}", user);
    }

    static async Task<IResult> OpenLineageAsync(HttpRequest req, AppServices services, string id, CancellationToken ct)
    {
        if (await services.Runs.GetAsync(id, ct) is not { } r) return Results.NotFound();
        var day = DateOnly.FromDateTime(r.StartedAt.UtcDateTime);
        var events = await services.Lineage.ForRunAsync(OpenLineage.RunUuid("nightly|" + id), [day, day.AddDays(1)], ct);
        return Results.Text(string.Concat(events.Select(e => e.ToJsonString() + "\n")), "application/x-ndjson");
    }

    static async Task<IResult> ModelsAsync(HttpRequest req, AppServices services, CancellationToken ct)
    {
        var register = services.LoadRegister();
        var decisions = (await services.Register.ListAsync(ct)).GroupBy(c => c.Model).ToDictionary(g => g.Key, g => g.GroupBy(c => c.Review).ToDictionary(s => s.Key, s => s.Count()));
        var cards = string.Concat(register.Models.Select(a =>
        {
            var model = ModelCatalogue.Find(a.Id);
            var d = decisions.GetValueOrDefault(a.Id) ?? [];
            int reg = d.GetValueOrDefault(Analysis.Signals.ReviewState.Registered), dis = d.GetValueOrDefault(Analysis.Signals.ReviewState.Dismissed), open = d.GetValueOrDefault(Analysis.Signals.ReviewState.Open);
            var decided = reg + dis;
            return $"""
                <div class="box" id="card-{E(a.Id)}"><h2>{E(a.Name)} ({E(a.Id)} {E(a.Version)})</h2>
                <p><strong>Wat het doet:</strong> {E(model is null ? "onbekend model" : ModelCatalogue.Explain(model, a.Parameters))}</p>
                <p><strong>Doel:</strong> {E(a.Purpose)}</p><p><strong>Grondslag:</strong> {E(a.LegalBasis)} · <strong>Thema:</strong> {E(a.Theme)}</p>
                <p><strong>Status:</strong> {E(a.Status.ToString().ToLowerInvariant())} · <strong>DPIA:</strong> {E(a.DpiaReference)}, goedgekeurd door {E(a.ApprovedBy)} op {a.ApprovedOn:yyyy-MM-dd}, herbeoordelen uiterlijk {a.ReviewBy:yyyy-MM-dd}</p>
                <p><strong>Parameters:</strong> {E(string.Join(", ", a.Parameters.Select(p => $"{p.Key} = {p.Value}")))}</p>
                <p><strong>Bronnen en kolommen:</strong> {E(string.Join("; ", a.Reads.Select(r => $"{r.Key}: {string.Join(", ", r.Value)}")))}</p>
                <p class="decisions"><strong>Besluiten van de coördinator:</strong> {reg} geregistreerd, {dis} afgewezen{(decided > 0 ? $" ({reg * 100 / decided}% geregistreerd)" : "")}, {open} nog open.</p>
                <p><a href="/review/models/{E(a.Id)}/algoritmeregister.json">Algoritmeregister-beschrijving (JSON)</a></p></div>
                """;
        }));
        return Page("Modellen", $"<h1>Modellen in het DPIA-register {E(register.RegisterVersion)}</h1>{cards}", Principal.From(req));
    }

    static IResult AlgoritmeregisterEntryJson(HttpRequest req, AppServices services, string id)
    {
        var register = services.LoadRegister();
        return register.Find(id) is { } a ? Results.Text(AlgoritmeregisterEntry.For(a, register).ToJsonString(), "application/json") : Results.NotFound();
    }

    static async Task<IResult> LineageAsync(HttpRequest req, AppServices services, string signalId, CancellationToken ct)
    {
        var user = Principal.From(req);
        if (await services.Register.GetAsync(signalId, ct) is not { } c) return Page("Niet gevonden", "<h1>Signaal niet gevonden</h1>", user, 404);
        var history = await services.Register.HistoryAsync(signalId, ct);
        var rows = new List<string>();
        foreach (var s in c.Lineage.Snapshots)
        {
            var m = await services.Snapshots.GetManifestAsync(s.SnapshotId, ct);
            rows.Add($"<tr><td>{E(s.Source)}</td><td>{E(s.FileName)}</td><td><code class=\"sha\">{E(s.Sha256)}</code></td><td>{E(s.Date)}</td><td>{m?.IngestedAt:yyyy-MM-dd HH:mm}</td><td>{E(s.SnapshotId)}</td><td>{s.Rows}</td></tr>");
        }
        return Page($"Herkomst {signalId}", $"""
            <h1>Herkomst van signaal {E(signalId)}</h1>
            <p>Model {E(c.Model)} {E(c.ModelVersion)} · DPIA {E(c.Lineage.DpiaReference)} · register {E(c.Lineage.RegisterVersion)} (<code>{E(c.Lineage.RegisterSha256)}</code>)</p>
            <p>Eerst gevonden in run <a href="/review/runs/{E(c.FirstRunId)}">{E(c.FirstRunId)}</a>, laatst in <a href="/review/runs/{E(c.LastRunId)}">{E(c.LastRunId)}</a>;
            in fase-1-intake opgenomen {E(history.FirstOrDefault()?.At.ToString("yyyy-MM-dd HH:mm") ?? "—")}.</p>
            <table id="files"><tr><th>Bron</th><th>Aangeleverd bestand</th><th>SHA-256</th><th>Peildatum</th><th>Ingelezen</th><th>Snapshot</th><th>Rijen</th></tr>{string.Concat(rows)}</table>
            """, user);
    }

    static async Task<string> ShadowSectionAsync(AppServices services, Analysis.Runs.RunRecord r, CancellationToken ct)
    {
        var shadowModels = r.Models.Where(m => m.Outcome == "shadow").ToList();
        if (shadowModels.Count == 0) return "";
        var signals = await services.Runs.GetSignalsAsync(r.RunId, ct);
        var ruleObjects = signals.Where(s => !s.Shadow && s.State != Analysis.Signals.RunState.Resolved).Select(s => s.Signal.Object).OfType<string>().ToHashSet();
        var html = new System.Text.StringBuilder("<h2>Schaduwmodellen (niet naar intake)</h2><p class=\"muted\">Wat deze modellen zouden signaleren, zonder identiteiten, als bewijs voor de DPIA-beoordeling.</p>");
        foreach (var m in shadowModels)
        {
            var would = signals.Where(s => s.Shadow && s.Signal.Model == m.Model && s.State != Analysis.Signals.RunState.Resolved).ToList();
            var overlap = would.Count(s => s.Signal.Object is { } o && ruleObjects.Contains(o));
            html.Append($"<div class=\"box\" id=\"shadow-{E(m.Model)}\"><h3>{E(m.Model)} {E(m.Version)}</h3>");
            html.Append($"<p>Scoreverdeling en model: {E(string.Join(" · ", (m.Facts ?? new Dictionary<string, string>()).Select(f => $"{f.Key} {f.Value}")))}</p>");
            html.Append($"<p>{would.Count} signalen zouden zijn ontstaan; {overlap} daarvan betreffen een object dat ook een regelmodel signaleert.</p>");
            html.Append("<table><tr><th>Signaal</th><th>Bewijs</th></tr>");
            foreach (var s in would.Take(50)) html.Append($"<tr><td>{E(s.Signal.SignalId)}</td><td>{E(string.Join("; ", s.Signal.Evidence.Select(e => $"{e.Key}={e.Value}")))}</td></tr>");
            html.Append("</table></div>");
        }
        html.Append("<h3>Spreiding van schaduwsignalen over postcodegebieden</h3><table id=\"shadow-areas\"><tr><th>PC4</th><th>Ingeschrevenen</th><th>Signalen</th><th>Per 1 000</th></tr>");
        foreach (var a in r.ShadowAreaReport.Where(a => a.Signals > 0)) html.Append($"<tr><td>{E(a.Pc4)}</td><td>{a.Residents}</td><td>{a.Signals}</td><td>{a.SignalsPer1000:0.0}</td></tr>");
        return html.Append("</table>").ToString();
    }
}
