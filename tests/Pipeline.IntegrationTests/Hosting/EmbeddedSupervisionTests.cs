using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Pipeline.Embedded;
using Pipeline.Testing.Hosting;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// The local host supervises the servers it started: Azurite killed under it is restarted, the durable task hub it lost is
/// created again, and health returns to 200.
/// </summary>
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
        var pidAndPorts = File.ReadAllText(pidFile).Split(' ').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var azuritePid = pidAndPorts[0];

        // Azurite saves its metadata on a timer, so a kill can lose what was created just before it. Here the loss is made
        // certain: the task hub's instances table and work-item queue are deleted, and the kill waits until Azurite has
        // saved that. Without them the durable probe fails (503) until someone creates them again.
        var account = EmbeddedAzurite.ConnectionStringFor(pidAndPorts[1], pidAndPorts[2], pidAndPorts[3]);
        await new TableServiceClient(account).DeleteTableAsync("PipelineLocalInstances");
        await new QueueServiceClient(account).DeleteQueueAsync("pipelinelocal-workitems");
        await WaitForAsync(() => HealthIsAsync(host, HttpStatusCode.ServiceUnavailable), "health reports the lost task hub", 60, host);
        await WaitForAsync(() => SavedWithout("__azurite_db_table__.json", "PipelineLocalInstances") && SavedWithout("__azurite_db_queue__.json", "pipelinelocal-workitems"),
            "Azurite saves the deletions", 60, host);
        using (var azurite = Process.GetProcessById(azuritePid))
        {
            azurite.Kill();
            await azurite.WaitForExitAsync();
        }

        await WaitForAsync(() => host.LogTail(400).Contains("Embedded Azurite died", StringComparison.Ordinal), "the supervisor notices", 60, host);
        await WaitForAsync(() => host.LogTail(400).Contains("Embedded Azurite restarted", StringComparison.Ordinal), "Azurite is restarted", 90, host);
        await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
        // Restarted on the same ports: the lost table is back.
        var found = false;
        await foreach (var _ in new TableServiceClient(account).QueryAsync(t => t.Name == "PipelineLocalInstances")) found = true;
        Assert.True(found, "the task hub's instances table exists again");
        var restartedPid = int.Parse(File.ReadAllText(pidFile).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(azuritePid, restartedPid);
        using var health = await host.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>Azurite's saved metadata (a LokiJS JSON file) no longer names <paramref name="name"/>; false while the
    /// file is being rewritten (it does not parse then).</summary>
    private bool SavedWithout(string metadataFile, string name)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(_dataDirectory, "azurite", metadataFile));
            using var _ = System.Text.Json.JsonDocument.Parse(text);
            return !text.Contains(name, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static async Task<bool> HealthIsAsync(LocalHostProcess host, HttpStatusCode expected)
    {
        using var response = await host.Http.GetAsync("/api/health");
        return response.StatusCode == expected;
    }

    private static Task WaitForAsync(Func<bool> condition, string what, int seconds, LocalHostProcess host) =>
        WaitForAsync(() => Task.FromResult(condition()), what, seconds, host);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds, LocalHostProcess host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}:{Environment.NewLine}{host.LogTail()}");
            await Task.Delay(250);
        }
    }
}
