using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Functions;

/// <summary>timerTrigger, 02:00 Europe/Amsterdam: the nightly comparison for today.</summary>
public sealed class NightlyRunFunction(NightlyService nightly, PipelineSettings settings, TimeProvider clock)
{
    public const string Name = "NightlyRun";

    public async Task<(int Status, InvocationResponse Response)> InvokeAsync(InvocationRequest request, CancellationToken ct)
    {
        var date = NightlyService.Today(clock, settings.TimeZone);
        var outcome = await nightly.RunAsync(date, "timer", ct: ct);
        var logs = outcome.Record.Models.Select(m => $"{m.Model} {m.Version}: {m.Outcome}" + (m.Reason is null ? "" : $" ({m.Reason})") + $", new {m.New}, continuing {m.Continuing}, resolved {m.Resolved}").ToList();
        logs.Insert(0, $"NightlyRun {outcome.Record.RunId} for {outcome.Record.ReferenceDate}");
        return (200, InvocationResponse.Ok(logs, new { run_id = outcome.Record.RunId, queued = outcome.ToQueue.Count() }));
    }
}
