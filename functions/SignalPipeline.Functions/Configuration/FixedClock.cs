namespace SignalPipeline.Functions.Configuration;

/// <summary>A clock that reads one instant: <c>retention --now</c> runs the terms as of a chosen moment.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
