using System.Diagnostics;
using System.Net;
using Pipeline.Testing.Hosting;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>The local host supervises the servers it started: Azurite killed under it is restarted and health returns to 200.</summary>
public sealed class EmbeddedSupervisionTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pipeline-supervise-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Azurite_killed_under_the_local_host_is_restarted_and_the_host_recovers()
    {
        await using var host = await LocalHostProcess.StartAsync(_dataDirectory);
        var pidFile = Path.Combine(_dataDirectory, "azurite", "azurite.pid");
        var azuritePid = int.Parse(File.ReadAllText(pidFile).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        using (var azurite = Process.GetProcessById(azuritePid))
        {
            azurite.Kill();
            await azurite.WaitForExitAsync();
        }

        await WaitForAsync(() => host.LogTail(400).Contains("Embedded Azurite died", StringComparison.Ordinal), "the supervisor notices", 60, host);
        await WaitForAsync(() => host.LogTail(400).Contains("Embedded Azurite restarted", StringComparison.Ordinal), "Azurite is restarted", 90, host);
        await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
        var restartedPid = int.Parse(File.ReadAllText(pidFile).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(azuritePid, restartedPid);
        using var health = await host.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, int seconds, LocalHostProcess host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}:{Environment.NewLine}{host.LogTail()}");
            await Task.Delay(250);
        }
    }
}
