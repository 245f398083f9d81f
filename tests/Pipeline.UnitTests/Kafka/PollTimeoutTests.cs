using Pipeline.Ingestion.Consumer;

namespace Pipeline.UnitTests.Kafka;

/// <summary>
/// The consumer's poll timeouts never reach librdkafka as negative: Confluent truncates a TimeSpan to whole
/// milliseconds and -1 means "wait forever", so a wait that had run out by 1–2 ms blocked a paused consumer for good.
/// </summary>
public sealed class PollTimeoutTests
{
    [Theory]
    [InlineData(-15_000)] // -1.5 ms: truncated to -1, librdkafka's infinite wait
    [InlineData(-10_000)] // exactly -1 ms
    [InlineData(-1)]
    [InlineData(-50_000_000)]
    public void A_wait_that_has_run_out_polls_without_waiting(long ticks) =>
        Assert.Equal(TimeSpan.Zero, EventConsumerService.PollTimeout(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData(0)]
    [InlineData(5_000)] // 0.5 ms
    [InlineData(1_000_000)] // 100 ms
    public void A_wait_that_is_left_is_kept(long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), EventConsumerService.PollTimeout(TimeSpan.FromTicks(ticks)));
}
