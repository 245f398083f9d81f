using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Testing.GitHub;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// <c>POST /api/backfill</c> through the real local host (embedded servers, Kafka, consumer, durable sidecar over
/// DurableTask.AzureStorage on Azurite): the import and its trend aggregation sub-orchestration both complete.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class LocalHostBackfillTests(LocalHostFixture fixture)
{
    // Local files must lie under <data directory>/imports: the default Backfill:AllowedRoots.
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(fixture.Host.DataDirectory, "imports", "localhost-backfill-" + Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public async Task A_backfill_of_a_small_gh_archive_file_completes_with_its_aggregation()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-06-01-0.json.gz"), 50, seed: 21, firstId: 9_100_000_000);

        using var start = await fixture.Host.Http.PostAsJsonAsync("/api/backfill", new { files = new[] { archive.Path } });
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"{start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
        var accepted = await start.Content.ReadFromJsonAsync<JsonElement>();
        var statusUrl = accepted.GetProperty("statusQueryGetUri").GetString()!;

        // The orchestration waits 30 s (AggregateDelaySeconds) for the consumer before aggregating; allow for a loaded machine.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(240);
        JsonElement body = default;
        var status = "unknown";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await fixture.Host.Http.GetAsync(statusUrl);
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            status = body.GetProperty("runtimeStatus").GetString()!;
            if (status is "Completed" or "Failed" or "Terminated") break;
            await Task.Delay(1000);
        }

        Assert.True(status == "Completed", $"backfill ended {status}: {body}");
        var result = body.GetProperty("output");
        Assert.Equal(50, result.GetProperty("events").GetInt64());
        Assert.Equal(0, result.GetProperty("failedFiles").GetInt32());
        Assert.EndsWith("-aggregate: completed", result.GetProperty("aggregation").GetString());
    }
}
