using Pipeline.Domain.Scheduling;

namespace Pipeline.UnitTests.Scheduling;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 7, 30, TimeSpan.Zero); // a Wednesday

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-25T10:10:00Z")]
    [InlineData("0 0 * * * *", "2026-11-25T11:00:00Z")]
    [InlineData("*/10 * * * * *", "2026-11-25T10:07:40Z")]
    [InlineData("0 30 9 * * 1-5", "2026-11-26T09:30:00Z")]
    [InlineData("0 0 0 1 * *", "2026-12-01T00:00:00Z")]
    [InlineData("0 0 12 * * 0", "2026-11-29T12:00:00Z")]
    [InlineData("15,45 * * * * *", "2026-11-25T10:07:45Z")]
    [InlineData("0 0 0 29 2 *", "2028-02-29T00:00:00Z")]
    public void Next_occurrence_matches_NCRONTAB_semantics(string expression, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), TimerSchedule.Parse(expression).Next(Start));
    }

    [Fact]
    public void Next_is_strictly_after_the_given_time()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);
        Assert.Equal(at.AddMinutes(5), TimerSchedule.Parse("0 */5 * * * *").Next(at));
    }

    /// <summary>Forms the Functions runtime accepts and the old hand-written parser refused.</summary>
    [Theory]
    [InlineData("0 30 9 * * MON-FRI", "2026-11-26T09:30:00Z")]
    [InlineData("0 0 0 1 JAN *", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 12 * * SUN", "2026-11-29T12:00:00Z")]
    [InlineData("00:05:00", "2026-11-25T10:10:00Z")]
    [InlineData("01:00:00", "2026-11-25T11:00:00Z")]
    public void Names_and_the_TimeSpan_form_parse_as_the_Functions_runtime_does(string expression, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), TimerSchedule.Parse(expression).Next(Start));
    }

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-25T10:05:00Z")]
    [InlineData("0 0 3 * * 0", "2026-11-22T03:00:00Z")]
    [InlineData("0 0 0 1 1 *", "2026-01-01T00:00:00Z")]
    [InlineData("00:05:00", "2026-11-25T10:05:00Z")]
    public void Latest_is_the_occurrence_at_or_before_the_instant(string expression, string expected)
    {
        var schedule = TimerSchedule.Parse(expression);
        var latest = schedule.Latest(Start);
        Assert.Equal(DateTimeOffset.Parse(expected), latest);
        Assert.Equal(latest, schedule.Latest(latest!.Value));
        Assert.Equal(schedule.Next(latest.Value), schedule.Latest(schedule.Next(latest.Value)));
    }

    [Theory]
    [InlineData("*/5 * *")]
    [InlineData("0 61 * * * *")]
    [InlineData("x * * * * *")]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("")]
    public void Invalid_expressions_are_rejected_with_a_reason(string expression)
    {
        var ex = Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }
}
