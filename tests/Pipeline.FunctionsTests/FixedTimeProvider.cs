namespace Pipeline.FunctionsTests;

/// <summary>A clock that reads a set instant; timers still run in real time (the base implementation).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
