using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Triggers;

/// <summary>timerTrigger, 02:00 Europe/Amsterdam: the nightly comparison for today, through to a completed run (or a
/// 500 that the host logs, when the run could not be completed; the next invocation finishes it).</summary>
public sealed class NightlyRunFunction(NightlyService nightly, PipelineSettings settings, TimeProvider clock)
{
    public const string Name = "NightlyRun";

    public async Task<(int Status, InvocationResponse Response)> InvokeAsync(InvocationRequest request, CancellationToken ct)
    {
        var date = NightlyService.Today(clock, settings.TimeZone);
        var log = new StringWriter();
        var result = await nightly.RunAsync(date, "timer", log, ct: ct);
        var logs = result.Record.Models.Select(m => $"{m.Model} {m.Version}: {m.Outcome}" + (m.Reason is null ? "" : $" ({m.Reason})") + $", new {m.New}, continuing {m.Continuing}, resolved {m.Resolved}").ToList();
        logs.Insert(0, $"NightlyRun {result.Record.RunId} for {result.Record.ReferenceDate}: {result.Record.Status}");
        logs.AddRange(result.Notes);
        logs.AddRange(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return (200, InvocationResponse.Ok(logs, new { run_id = result.Record.RunId, status = result.Record.Status, queued = result.Queued, intake = result.IntakeProcessed, poisoned = result.IntakePoisoned }));
    }
}
