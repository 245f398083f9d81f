using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>The local host as `make run` starts it: real embedded servers, the same routes as the Functions app.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class LocalHostTests(LocalHostFixture fixture)
{
    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task Health_reports_every_dependency_healthy_once_ready()
    {
        using var response = await Http.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var dependencies = body.GetProperty("dependencies");
        foreach (var name in new[] { "store", "kafka", "blobs", "durable", "consumer", "warmup" })
        {
            Assert.True(dependencies.TryGetProperty(name, out var dependency), $"dependency {name} missing from {body}");
            Assert.Equal("healthy", dependency.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Metrics_are_served_as_prometheus_text()
    {
        using var response = await Http.GetAsync("/api/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE", text);
        // Meter names prefix instrument names: an instrument must not repeat its meter's name.
        Assert.DoesNotContain("pipeline_ml_pipeline", text);
        Assert.DoesNotContain("pipeline_ingestion_pipeline", text);
        Assert.Contains("pipeline_ingestion_consumer_lag", text);
    }

    [Fact]
    public async Task A_signed_webhook_flows_through_kafka_and_the_consumer_into_the_store_once_even_when_redelivered()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes("""{"action":"opened","issue":{"number":7,"title":"Crash on start","body":"stack trace","state":"open","created_at":"2026-11-20T10:00:00Z","updated_at":"2026-11-20T10:00:00Z","user":{"login":"octocat"},"labels":[],"author_association":"NONE"},"repository":{"full_name":"octo-org/hello","name":"hello","owner":{"login":"octo-org"}},"sender":{"login":"octocat"}}""");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await PostWebhookAsync("issues", delivery, body, LocalHostFixture.WebhookSecret);
            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"delivery {attempt}: {(int)response.StatusCode}");
        }

        var events = await WaitForEventsAsync(delivery, TimeSpan.FromSeconds(30));
        Assert.Single(events);
        Assert.Equal("issues", events[0].GetProperty("type").GetString());
        Assert.Equal("opened", events[0].GetProperty("action").GetString());
        Assert.Equal("octo-org/hello", events[0].GetProperty("repo").GetString());
    }

    [Fact]
    public async Task A_webhook_with_the_wrong_secret_is_refused_and_nothing_is_stored()
    {
        var delivery = Guid.NewGuid().ToString();
        using var response = await PostWebhookAsync("issues", delivery, Encoding.UTF8.GetBytes("""{"action":"opened"}"""), "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await ListEventsAsync(delivery));
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string eventName, string delivery, byte[] body, string secret)
    {
        var signature = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        request.Headers.Add("X-Hub-Signature-256", signature);
        return await Http.SendAsync(request);
    }

    private async Task<List<JsonElement>> ListEventsAsync(string delivery)
    {
        var page = await Http.GetFromJsonAsync<JsonElement>($"/api/events?deliveryId={delivery}&limit=10");
        return page.GetProperty("events").EnumerateArray().ToList();
    }

    private async Task<List<JsonElement>> WaitForEventsAsync(string delivery, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = await ListEventsAsync(delivery);
            if (events.Count > 0 || DateTime.UtcNow > deadline)
            {
                // A short extra wait lets a wrongly duplicated second copy land too, so Single() can catch it.
                await Task.Delay(TimeSpan.FromSeconds(1));
                return await ListEventsAsync(delivery);
            }
            await Task.Delay(250);
        }
    }
}
