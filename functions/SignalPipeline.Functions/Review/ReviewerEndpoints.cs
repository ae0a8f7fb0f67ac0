using Microsoft.AspNetCore.Http.HttpResults;
using SignalPipeline.Analysis.Lineage;
using SignalPipeline.Analysis.Publication;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Configuration;
using SignalPipeline.Functions.Review.Pages;
using SignalPipeline.Functions.Storage;

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

    /// <summary>The newest hundred runs from the run index alone (it carries each run's summary).</summary>
    static async Task<RazorComponentResult<RunsPage>> RunsAsync(HttpContext http, RunStore runs, AuditLog audit, CancellationToken ct)
    {
        var rows = new List<(RunIndex, Analysis.Runs.RunSummary)>();
        foreach (var run in (await runs.ListAsync(ct)).Reverse().Take(100))
        {
            // Runs recorded before the index carried summaries are read in full.
            var summary = run.Summary ?? (await runs.GetAsync(run.RunId, ct) is { } r ? Analysis.Runs.RunSummary.Of(r) : null);
            if (summary is not null) rows.Add((run, summary));
        }
        return View.Page<RunsPage>(new { User = Principal.From(http), Chain = await audit.VerifyAsync(ct), Runs = rows });
    }

    static async Task<Results<RazorComponentResult<RunPage>, RazorComponentResult<MessagePage>>> RunAsync(HttpContext http, RunStore runs, SnapshotStore snapshots, PipelineSettings settings, string id, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } r) return RunNotFound(http);
        return View.Page<RunPage>(new { User = Principal.From(http), Run = r, Manifests = await ManifestsAsync(snapshots, r.Snapshots.Select(s => s.SnapshotId), ct), Areas = settings.AreaReport });
    }

    static async Task<Results<RazorComponentResult<ShadowPage>, RazorComponentResult<MessagePage>>> ShadowAsync(HttpContext http, RunStore runs, string id, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } r) return RunNotFound(http);
        return View.Page<ShadowPage>(new { User = Principal.From(http), Run = r, Signals = await runs.GetSignalsAsync(r.RunId, ct) });
    }

    static async Task<Results<ContentHttpResult, NotFound>> OpenLineageAsync(RunStore runs, LineageLog lineage, string id, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } r) return TypedResults.NotFound();
        var day = DateOnly.FromDateTime(r.StartedAt.UtcDateTime);
        var events = await lineage.ForRunAsync(OpenLineage.RunUuid("nightly|" + id), [day, day.AddDays(1)], ct);
        return TypedResults.Text(string.Concat(events.Select(e => e.ToJsonString() + "\n")), "application/x-ndjson");
    }

    /// <summary>Model cards, and each model version's quality against the control sample (counts, never persons).</summary>
    static async Task<RazorComponentResult<ModelsPage>> ModelsAsync(HttpContext http, RegisterInForce dpiaRegister, CandidateRegister register, CancellationToken ct)
    {
        var inForce = await dpiaRegister.LoadAsync(ct);
        var quality = Analysis.Signals.ModelQuality.Compute(await register.ListAsync(ct), inForce);
        return View.Page<ModelsPage>(new { User = Principal.From(http), Register = inForce, Quality = quality });
    }

    static async Task<Results<ContentHttpResult, NotFound>> AlgoritmeregisterEntryJson(RegisterInForce dpiaRegister, CandidateRegister register, string id, CancellationToken ct)
    {
        var inForce = await dpiaRegister.LoadAsync(ct);
        var quality = Analysis.Signals.ModelQuality.Compute(await register.ListAsync(ct), inForce);
        return inForce.Find(id) is { } a ? TypedResults.Text(AlgoritmeregisterEntry.For(a, inForce, quality).ToJsonString(), "application/json") : TypedResults.NotFound();
    }

    static async Task<Results<RazorComponentResult<LineagePage>, RazorComponentResult<MessagePage>>> LineageAsync(HttpContext http, CandidateRegister register, SnapshotStore snapshots, string signalId, CancellationToken ct)
    {
        if (await register.GetAsync(signalId, ct) is not { } c) return View.SignalNotFound(Principal.From(http));
        var history = await register.HistoryAsync(signalId, ct);
        return View.Page<LineagePage>(new
        {
            User = Principal.From(http), Signal = c, IntakeAt = history.FirstOrDefault()?.At,
            Manifests = await ManifestsAsync(snapshots, c.Lineage.Snapshots.Select(s => s.SnapshotId), ct),
        });
    }

    /// <summary>A run or signal uses one snapshot per source: a handful of reads, made together.</summary>
    static async Task<IReadOnlyDictionary<string, SnapshotManifest>> ManifestsAsync(SnapshotStore snapshots, IEnumerable<string> ids, CancellationToken ct)
    {
        var manifests = await Task.WhenAll(ids.Distinct().Select(id => snapshots.GetManifestAsync(id, ct)));
        return manifests.OfType<SnapshotManifest>().ToDictionary(m => m.SnapshotId);
    }

    static RazorComponentResult<MessagePage> RunNotFound(HttpContext http) => View.Message(Principal.From(http), "Niet gevonden", heading: "Run niet gevonden", status: StatusCodes.Status404NotFound, backTo: "/review/runs");
}
