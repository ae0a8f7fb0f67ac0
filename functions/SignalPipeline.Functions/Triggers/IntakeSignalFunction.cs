using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Triggers;

/// <summary>queueTrigger on <c>phase1-intake</c>: writes the candidate into the register. An unreadable message
/// answers 500, so the host retries it and then moves it to <c>phase1-intake-poison</c>.</summary>
public sealed class IntakeSignalFunction(IntakeService intake)
{
    public const string Name = "IntakeSignal";

    public async Task<(int Status, InvocationResponse Response)> InvokeAsync(InvocationRequest request, CancellationToken ct)
    {
        var body = request.Text("msg");
        if (body is null) return (400, InvocationResponse.Ok(["IntakeSignal: no 'msg' binding in the invocation"]));
        try { return (200, InvocationResponse.Ok([$"IntakeSignal: {await intake.ProcessAsync(body, ct)}"])); }
        catch (IntakeRejectedException e) { return (500, InvocationResponse.Ok([$"IntakeSignal: {e.Message}"])); }
    }
}
