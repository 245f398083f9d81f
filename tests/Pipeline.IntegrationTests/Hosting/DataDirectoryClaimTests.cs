using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.LocalHost;
using Pipeline.Testing.Hosting;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>One local host per data directory: a second one is refused with the pid of the first, a dead one's claim is taken over.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class DataDirectoryClaimTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_second_local_host_on_a_data_directory_in_use_exits_1_naming_the_running_host()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalHostProcess.StartAsync(fixture.Host.DataDirectory, readyTimeout: TimeSpan.FromSeconds(120)));

        Assert.Contains("exited with code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Another local host (pid {fixture.Host.ProcessId}) is running on the data directory {fixture.Host.DataDirectory}", error.Message, StringComparison.Ordinal);
        // The running host was not disturbed (its Azurite and PostgreSQL were neither adopted nor stopped).
        await fixture.Host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_claim_of_a_host_that_is_gone_is_taken_over_and_a_live_process_is_not_mistaken_for_it()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("pipeline-claim-").FullName;
        try
        {
            // A process that lived and is gone (its pid is free now): its claim is taken over.
            using (var gone = Process.Start("true")!)
            {
                await gone.WaitForExitAsync();
                await File.WriteAllTextAsync(HostDataDirectoryClaim.PathIn(dataDirectory), $"{gone.Id} 12345");
            }
            var logs = new List<string>();
            using (var claim = await HostDataDirectoryClaim.ClaimAsync(dataDirectory, new ListLogger(logs)))
            {
                Assert.NotNull(claim);
                Assert.Equal(LiveProcess.Self().ToString(), (await File.ReadAllTextAsync(HostDataDirectoryClaim.PathIn(dataDirectory))).Trim());
            }
            Assert.Contains(logs, l => l.Contains("did not stop cleanly", StringComparison.Ordinal));
            Assert.False(File.Exists(HostDataDirectoryClaim.PathIn(dataDirectory)), "a clean stop removes the claim");

            // A live process with the recorded pid but another start time is a reused pid, not the host: taken over too.
            await File.WriteAllTextAsync(HostDataDirectoryClaim.PathIn(dataDirectory), $"1 {LiveProcess.StartTimeOf(1)! + 1}");
            using (var claim = await HostDataDirectoryClaim.ClaimAsync(dataDirectory, new ListLogger(logs)))
            {
                Assert.NotNull(claim);
            }

            // A live process that is the recorded one: refused.
            using var sleeper = Process.Start("sleep", "60")!;
            try
            {
                await File.WriteAllTextAsync(HostDataDirectoryClaim.PathIn(dataDirectory), $"{sleeper.Id} {LiveProcess.StartTimeOf(sleeper.Id)}");
                Assert.Null(await HostDataDirectoryClaim.ClaimAsync(dataDirectory, new ListLogger(logs)));
                Assert.Contains(logs, l => l.Contains($"Another local host (pid {sleeper.Id})", StringComparison.Ordinal));
            }
            finally
            {
                sleeper.Kill();
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add(formatter(state, exception));
    }
}
