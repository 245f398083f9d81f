using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Testing.Hosting;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>Durable state lives in storage (DurableTask.AzureStorage on Azurite), not in the host process.</summary>
public sealed class LocalHostRestartTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pipeline-restart-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_orchestration_started_before_a_kill_9_completes_after_the_host_restarts_on_the_same_data()
    {
        string instanceId;
        await using (var first = await LocalHostProcess.StartAsync(_dataDirectory))
        {
            using var start = await first.Http.PostAsJsonAsync("/api/jobs/aggregate", new { force = true });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            var accepted = await start.Content.ReadFromJsonAsync<JsonElement>();
            instanceId = accepted.GetProperty("id").GetString()!;
            await first.KillHardAsync();
        }

        await using var second = await LocalHostProcess.StartAsync(_dataDirectory);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(150);
        string status = "unknown";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await second.Http.GetAsync($"/api/jobs/aggregate/{instanceId}");
            Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode); // the instance survived the crash
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            status = body.TryGetProperty("runtimeStatus", out var s) ? s.GetString()! : body.GetProperty("status").GetString()!;
            if (status is "Completed" or "Failed" or "Terminated")
            {
                break;
            }
            await Task.Delay(500);
        }
        Assert.Equal("Completed", status);
    }
}
