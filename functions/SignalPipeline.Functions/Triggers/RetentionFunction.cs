using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Triggers;

/// <summary>timerTrigger, daily: the retention terms of protocol art. 12 (see <see cref="RetentionService"/>).</summary>
public sealed class RetentionFunction(RetentionService retention)
{
    public const string Name = "Retention";

    public async Task<(int Status, InvocationResponse Response)> InvokeAsync(InvocationRequest request, CancellationToken ct)
    {
        var report = await retention.RunAsync(ct);
        return (200, InvocationResponse.Ok([$"Retention: {report}"], report));
    }
}
