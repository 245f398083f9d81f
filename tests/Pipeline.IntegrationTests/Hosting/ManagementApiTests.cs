using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Testing.GitHub;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>
/// The Durable Functions HTTP management API on the real local host (embedded Azurite, DurableTask.AzureStorage sidecar):
/// start payload, status codes and documents, list with paging and a status filter, terminate and purge.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ManagementApiTests(LocalHostFixture fixture)
{
    private static readonly string[] PayloadFields = ["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "rewindPostUri", "purgeHistoryDeleteUri"];

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task An_aggregation_answers_the_durable_payload_reports_202_then_200_and_can_be_listed_and_purged()
    {
        using var start = await Http.PostAsync("/api/jobs/aggregate", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var payload = await start.Content.ReadFromJsonAsync<JsonElement>();
        var id = payload.GetProperty("id").GetString()!;
        foreach (var field in PayloadFields)
        {
            var value = payload.GetProperty(field).GetString()!;
            if (field != "id")
            {
                Assert.StartsWith(fixture.Host.BaseUrl + "/api/jobs/aggregate/" + id, value);
            }
        }
        Assert.Equal(payload.GetProperty("statusQueryGetUri").GetString(), start.Headers.Location?.ToString());
        Assert.NotNull(start.Headers.RetryAfter);
        Assert.EndsWith("/terminate?reason={text}", payload.GetProperty("terminatePostUri").GetString());
        Assert.EndsWith("/raiseEvent/{eventName}", payload.GetProperty("sendEventPostUri").GetString());

        var status = await WaitForAsync(payload.GetProperty("statusQueryGetUri").GetString()!, s => s != "Pending" && s != "Running", TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.OK, status.Code);
        Assert.Equal("AggregateTrendsOrchestrator", status.Body.GetProperty("name").GetString());
        Assert.Equal(id, status.Body.GetProperty("instanceId").GetString());
        Assert.Equal("Completed", status.Body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("manual", status.Body.GetProperty("input").GetProperty("trigger").GetString());
        Assert.NotEqual(JsonValueKind.Null, status.Body.GetProperty("output").ValueKind);
        Assert.True(status.Body.GetProperty("lastUpdatedTime").GetDateTimeOffset() >= status.Body.GetProperty("createdTime").GetDateTimeOffset());

        // The list filters by status and pages with a continuation token (body and x-ms-continuation-token header).
        using var second = await Http.PostAsync("/api/jobs/aggregate", null);
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await WaitForAsync($"/api/jobs/aggregate/{secondId}", s => s == "Completed", TimeSpan.FromMinutes(4));
        var seen = new HashSet<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/jobs/aggregate?runtimeStatus=Completed&top=1" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            using var response = await Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            var instances = page.GetProperty("instances").EnumerateArray().ToList();
            Assert.True(instances.Count <= 1, $"page of top=1 had {instances.Count}");
            Assert.All(instances, i => Assert.Equal("Completed", i.GetProperty("runtimeStatus").GetString()));
            seen.UnionWith(instances.Select(i => i.GetProperty("instanceId").GetString()!));
            token = page.GetProperty("continuationToken").GetString();
            Assert.Equal(token is not null, response.Headers.Contains("x-ms-continuation-token"));
            pages++;
        }
        while (token is not null && pages < 50);
        Assert.Contains(id, seen);
        Assert.Contains(secondId, seen);
        Assert.True(pages >= 2, "two completed runs at one per page need two pages");

        using var running = await Http.GetFromJsonAsync<JsonDocument>("/api/jobs/aggregate?runtimeStatus=Running");
        Assert.DoesNotContain(running!.RootElement.GetProperty("instances").EnumerateArray(), i => i.GetProperty("instanceId").GetString() == id);
        using var bad = await Http.GetAsync("/api/jobs/aggregate?runtimeStatus=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        using var purge = await Http.DeleteAsync(payload.GetProperty("purgeHistoryDeleteUri").GetString());
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(1, (await purge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        using var gone = await Http.GetAsync($"/api/jobs/aggregate/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var purgeAgain = await Http.DeleteAsync($"/api/jobs/aggregate/{id}");
        Assert.Equal(HttpStatusCode.NotFound, purgeAgain.StatusCode);
    }

    [Fact]
    public async Task A_running_backfill_can_be_terminated_and_then_purged_but_not_purged_while_running()
    {
        var root = Directory.CreateTempSubdirectory("mgmt-backfill-").FullName;
        GhArchiveFileGenerator.Generate(Path.Combine(root, "2024-01-01-0.json.gz"), 2000, seed: 7);
        await using var server = await ArchiveFileServer.StartAsync(root);
        server.HoldAfterBytes = 1024; // the import blocks mid-file until released, so the instance stays Running
        try
        {
            using var start = await Http.PostAsJsonAsync("/api/backfill", new { files = new[] { $"http://localhost:{server.BaseUrl.Port}/2024-01-01-0.json.gz" } });
            Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"{start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
            var payload = await start.Content.ReadFromJsonAsync<JsonElement>();
            var id = payload.GetProperty("id").GetString()!;
            Assert.StartsWith("backfill-", id);

            var running = await WaitForAsync($"/api/backfill/{id}", s => s == "Running", TimeSpan.FromMinutes(2));
            Assert.Equal(HttpStatusCode.Accepted, running.Code);
            Assert.Equal("BackfillOrchestrator", running.Body.GetProperty("name").GetString());
            Assert.NotNull(running.RetryAfter);

            using var purgeRunning = await Http.DeleteAsync($"/api/backfill/{id}");
            Assert.Equal(HttpStatusCode.Conflict, purgeRunning.StatusCode);

            var terminateUri = payload.GetProperty("terminatePostUri").GetString()!.Replace("{text}", "mistaken%20range", StringComparison.Ordinal);
            using var terminate = await Http.PostAsync(terminateUri, null);
            Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
            var terminated = await WaitForAsync($"/api/backfill/{id}", s => s == "Terminated", TimeSpan.FromMinutes(2));
            Assert.Equal(HttpStatusCode.OK, terminated.Code);
            Assert.Equal("mistaken range", terminated.Body.GetProperty("output").GetString());

            using var again = await Http.PostAsync($"/api/backfill/{id}/terminate", null);
            Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
            using var list = await Http.GetFromJsonAsync<JsonDocument>("/api/backfill?runtimeStatus=Terminated&top=100");
            Assert.Contains(list!.RootElement.GetProperty("instances").EnumerateArray(), i => i.GetProperty("instanceId").GetString() == id);

            using var purge = await Http.DeleteAsync($"/api/backfill/{id}");
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        }
        finally
        {
            server.Release();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Unknown_instances_and_instances_of_another_operation_are_404()
    {
        using var unknown = await Http.GetAsync("/api/backfill/backfill-does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        using var unknownModel = await Http.GetAsync("/api/models/nope/retrain");
        Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);
        using var audit = await Http.GetAsync("/api/audit?top=5");
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        using var retrains = await Http.GetAsync("/api/models/issue-labeler/retrain");
        Assert.Equal(HttpStatusCode.OK, retrains.StatusCode);

        using var start = await Http.PostAsync("/api/jobs/aggregate", null);
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var asBackfill = await Http.GetAsync($"/api/backfill/{id}");
        Assert.Equal(HttpStatusCode.NotFound, asBackfill.StatusCode);
        using var asAudit = await Http.PostAsync($"/api/audit/{id}/terminate", null);
        Assert.Equal(HttpStatusCode.NotFound, asAudit.StatusCode);
    }

    [Fact]
    public async Task Health_live_asks_no_dependency_and_ready_reports_every_dependency()
    {
        using var live = await Http.GetAsync("/api/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var liveBody = await live.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["process"], liveBody.GetProperty("dependencies").EnumerateObject().Select(p => p.Name).ToArray());

        using var ready = await Http.GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var names = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dependencies").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "store", "kafka", "blobs", "durable", "consumer", "warmup" }, names);
        Assert.DoesNotContain("process", names);
    }

    private async Task<(HttpStatusCode Code, JsonElement Body, TimeSpan? RetryAfter)> WaitForAsync(string url, Func<string, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await Http.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var status = body.GetProperty("runtimeStatus").GetString()!;
            Assert.Equal(status is "Pending" or "Running" ? HttpStatusCode.Accepted : HttpStatusCode.OK, response.StatusCode);
            if (done(status) || DateTime.UtcNow > deadline)
            {
                Assert.True(done(status), $"{url} still {status} after {timeout}: {body}");
                return (response.StatusCode, body, response.Headers.RetryAfter?.Delta);
            }
            await Task.Delay(500);
        }
    }
}
