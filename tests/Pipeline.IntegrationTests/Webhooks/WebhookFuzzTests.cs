using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Api.Operations;
using Pipeline.Api.Webhooks;
using Pipeline.Domain;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Webhooks;
using Pipeline.ServiceDefaults;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Webhooks;

/// <summary>
/// 10,000 mutated, correctly signed deliveries (truncations, byte flips, wrong JSON types, deep nesting, huge numbers,
/// unpaired surrogates, form encoding) generated with CsCheck against the real handler (Kestrel, AddPipelineWebhooks,
/// inline publish into the real <see cref="EventSink"/> on PostgreSQL): no answer is a 5xx, the process keeps serving,
/// and <c>/api/health</c> stays 200.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhookFuzzTests(PostgresFixture postgres)
{
    private const string Secret = "fuzz-s3cret";

    /// <summary>Publishes straight into the sink (the in-process handler pipeline, no broker in between).</summary>
    private sealed class SinkPublisher(IEventSink sink) : IEventPublisher
    {
        public async Task PublishAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default) => await sink.WriteAsync(events, ct);
    }

    private static readonly string[] Types = ["issues", "pull_request", "push", "star", "fork", "release", "watch", "issue_comment", "nonsense"];

    private static byte[] Mutate(byte[] body, int kind, int position, byte value)
    {
        var p = body.Length == 0 ? 0 : (int)((uint)position % (uint)body.Length);
        var text = Encoding.UTF8.GetString(body);
        switch (kind)
        {
            case 0: return body[..p]; // truncation
            case 1:
                var flipped = (byte[])body.Clone();
                if (flipped.Length > 0) flipped[p] ^= value == 0 ? (byte)1 : value; // byte flip
                return flipped;
            case 2: return Encoding.UTF8.GetBytes(text.Replace("\"repository\":{", "\"repository\":[{", StringComparison.Ordinal)); // wrong type
            case 3: return Encoding.UTF8.GetBytes(text.Replace("\"full_name\":\"", "\"full_name\":" + (value % 2 == 0 ? "12345" : "null") + ",\"x\":\"", StringComparison.Ordinal));
            case 4: return Encoding.UTF8.GetBytes(new string('[', 200 + value * 4) + new string(']', 200 + value * 4)); // deep nesting
            case 5: return Encoding.UTF8.GetBytes(text.Replace("\"id\":", "\"id\":1" + new string('9', 400 + value) + ",\"was\":", StringComparison.Ordinal)); // huge numbers
            case 6: return Encoding.UTF8.GetBytes(text.Replace("\"login\":\"", "\"login\":\"\\ud800", StringComparison.Ordinal)); // unpaired surrogate (escaped)
            case 7:
                var raw = new List<byte>(body); // unpaired surrogate as raw (invalid) UTF-8 bytes
                raw.InsertRange(p, [0xED, 0xA0, 0x80]);
                return [.. raw];
            case 8: return Encoding.UTF8.GetBytes(value % 3 == 0 ? "null" : value % 3 == 1 ? "\"a string\"" : "[1,2,3]"); // not an object
            case 9: return Encoding.ASCII.GetBytes("payload=" + Uri.EscapeDataString(text[..Math.Min(text.Length, p + 1)])); // form-encoded, maybe truncated
            default: return body;
        }
    }

    [Fact]
    public async Task Ten_thousand_mutated_signed_deliveries_give_no_5xx_and_health_stays_200()
    {
        var store = await postgres.CreateStoreAsync("fuzz");
        await StoreSchema.EnsureAsync(store);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:WebhookSecret"] = Secret,
            ["GitHub:DurableAcceptance"] = "false",
            ["GitHub:DuplicateWindow"] = "00:00:00",
        });
        builder.Services.AddSingleton<IEventPublisher>(new SinkPublisher(new EventSink(store)));
        builder.Services.AddPipelineWebhooks(builder.Configuration);
        builder.Services.AddSingleton(new StoreHealth(store));
        builder.Services.AddSingleton<IHealthProbe, StoreProbe>();
        builder.Services.AddPipelineServiceDefaults();
        await using var app = builder.Build();
        app.MapWebhookEndpoints();
        app.MapGet("/api/health", (HealthService probes, CancellationToken ct) => OperationsDefaults.Health(probes, ct));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };

        var examples = WebhookExamples.Every.Where(e => e.Body.Length < 64 * 1024).ToList();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var count = 0;
        await Gen.Select(Gen.Int[0, examples.Count - 1], Gen.Int[0, 10], Gen.Int, Gen.Byte, Gen.Int[0, Types.Length - 1])
            .SampleAsync(async t =>
            {
                var (example, kind, position, value, type) = t;
                var body = Mutate(examples[example].Body, kind, position, value);
                using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Route) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(kind == 9 ? "application/x-www-form-urlencoded" : "application/json");
                request.Headers.Add("X-GitHub-Event", value % 4 == 0 ? Types[type] : examples[example].Event);
                request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
                request.Headers.Add("X-Hub-Signature-256", WebhookSignatureVerifier.Sign(body, Secret));
                using var response = await http.SendAsync(request);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (Interlocked.Increment(ref count) % 2_000 == 0)
                {
                    using var health = await http.GetAsync("/api/health");
                    if (health.StatusCode != HttpStatusCode.OK) return false;
                }
                return (int)response.StatusCode < 500;
            }, iter: 10_000, threads: 4);

        Assert.Equal(10_000, statuses.Values.Sum());
        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
        Assert.True(statuses.GetValueOrDefault(202) > 0 && statuses.GetValueOrDefault(400) > 0, "the mutations produce both accepted and rejected deliveries: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        using var final = await http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal(statuses.GetValueOrDefault(202), await store.CountAsync(Collections.Events));
    }
}
