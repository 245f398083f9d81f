namespace Pipeline.IntegrationTests.Kafka;

/// <summary>Polls a condition; fails the test with <paramref name="what"/> when it does not become true in time.
/// The timeout is a hang guard, not a speed assertion.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutSeconds = 60, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting until " + what + (diagnostics is null ? "" : "; " + diagnostics()));
            await Task.Delay(25);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting until " + what);
            await Task.Delay(100);
        }
    }
}
