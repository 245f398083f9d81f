using Pipeline.Domain.Scheduling;

namespace Pipeline.UnitTests.Scheduling;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 7, 30, TimeSpan.Zero); // a Wednesday

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-25T10:10:00Z")]
    [InlineData("0 0 * * * *", "2026-11-25T11:00:00Z")]
    [InlineData("*/10 * * * * *", "2026-11-25T10:07:40Z")]
    [InlineData("0 30 9 * * 1-5", "2026-11-26T09:30:00Z")]
    [InlineData("0 0 0 1 * *", "2026-12-01T00:00:00Z")]
    [InlineData("0 0 12 * * 0", "2026-11-29T12:00:00Z")]
    [InlineData("0 0 12 * * 7", "2026-11-29T12:00:00Z")]
    [InlineData("15,45 * * * * *", "2026-11-25T10:07:45Z")]
    [InlineData("0 0 0 29 2 *", "2028-02-29T00:00:00Z")]
    public void Next_occurrence_matches_NCRONTAB_semantics(string expression, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), CronSchedule.Parse(expression).Next(Start));
    }

    [Fact]
    public void Next_is_strictly_after_the_given_time()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);
        Assert.Equal(at.AddMinutes(5), CronSchedule.Parse("0 */5 * * * *").Next(at));
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("0 61 * * * *")]
    [InlineData("0 */0 * * * *")]
    [InlineData("0 5-1 * * * *")]
    [InlineData("x * * * * *")]
    public void Invalid_expressions_are_rejected_with_a_reason(string expression)
    {
        var ex = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }
}
