using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Api.Webhooks;
using Pipeline.Domain.Normalization;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Kafka;

namespace Pipeline.IntegrationTests.Webhooks;

/// <summary>Webhook deliveries through Kestrel into the real Kafka protocol (librdkafka mock cluster) with the production publisher.</summary>
[Collection(KafkaFixture.Collection)]
public sealed class WebhookKafkaTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Concurrent_and_duplicate_deliveries_land_in_the_topic_once_each_keyed_by_repository()
    {
        var topics = kafka.NewTopics("webhooks");
        await using var pipeline = kafka.CreatePipeline(topics, new RecordingEventSink());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["GitHub:WebhookSecret"] = "s3cret", ["GitHub:DurableAcceptance"] = "false" });
        builder.Services.AddSingleton<IEventPublisher>(pipeline.Publisher);
        builder.Services.AddPipelineWebhooks(builder.Configuration);
        await using var app = builder.Build();
        app.MapWebhookEndpoints();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var examples = WebhookExamples.Every.Where(e => GitHubEventTypes.Modelled.Contains(e.Event)).ToList();
        var deliveries = Enumerable.Range(0, 150).Select(i => (Example: examples[i % examples.Count], Id: Guid.NewGuid().ToString())).ToList();
        async Task<HttpStatusCode> Send((WebhookExample Example, string Id) d)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(d.Example.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-GitHub-Event", d.Example.Event);
            request.Headers.Add("X-GitHub-Delivery", d.Id);
            request.Headers.Add("X-Hub-Signature-256", WebhookSignatureVerifier.Sign(d.Example.Body, "s3cret"));
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var first = await Task.WhenAll(deliveries.Select(Send));
        var again = await Task.WhenAll(deliveries.Take(40).Select(Send));

        Assert.All(first, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.All(again, s => Assert.Equal(HttpStatusCode.OK, s));
        var messages = kafka.ReadAll(topics.Topic, deliveries.Count + 1, TimeSpan.FromSeconds(20));
        Assert.Equal(deliveries.Count, messages.Count);
        var byId = messages.ToDictionary(m => JsonDocument.Parse(m.Message.Value!).RootElement.GetProperty("id").GetString()!, m => Encoding.UTF8.GetString(m.Message.Key!));
        foreach (var d in deliveries)
        {
            // The key is the repository key (lower-cased full name), so every casing of a repository lands in one partition.
            Assert.Equal(ActivityKey.RepoKey(d.Example.Payload.GetProperty("repository").GetProperty("full_name").GetString()!), byId["delivery:" + d.Id]);
        }
    }
}
