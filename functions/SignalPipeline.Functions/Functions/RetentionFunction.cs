namespace SignalPipeline.Functions.Functions;

/// <summary>timerTrigger, daily. The retention rules of protocol art. 12 are not implemented yet (issue 9);
/// the function exists so the schedule and its permissions are deployed, and says plainly that it did nothing.</summary>
public sealed class RetentionFunction
{
    public const string Name = "Retention";

    public Task<(int Status, InvocationResponse Response)> InvokeAsync(InvocationRequest request, CancellationToken ct) =>
        Task.FromResult((200, InvocationResponse.Ok(["Retention: no retention rules are implemented yet; nothing was deleted."], new { deleted = 0 })));
}
