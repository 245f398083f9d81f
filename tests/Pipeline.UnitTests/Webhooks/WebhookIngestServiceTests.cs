using System.Text;
using Pipeline.Domain.Normalization;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Webhooks;

public sealed class WebhookIngestServiceTests
{
    private static readonly byte[] IssueBody = WebhookExamples.Of("issues").First().Body;

    public static TheoryData<string, int> ModelledExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var e in WebhookExamples.Every.Where(e => GitHubEventTypes.Modelled.Contains(e.Event))) data.Add(e.Event, e.Index);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelledExamples))]
    public async Task Signed_modelled_delivery_is_accepted_and_published_once(string eventType, int index)
    {
        var example = WebhookExamples.Get(eventType, index);
        var publisher = new RecordingEventPublisher();
        var delivery = Guid.NewGuid().ToString();

        var result = await WebhookTestKit.Service(publisher).HandleAsync(WebhookTestKit.Headers(eventType, example.Body, delivery: delivery), new MemoryStream(example.Body));

        Assert.Equal(202, result.StatusCode);
        Assert.Equal("delivery:" + delivery, result.EventId);
        var published = Assert.Single(publisher.Events);
        Assert.Equal("delivery:" + delivery, published.Id);
        Assert.Equal(eventType, published.Type);
        Assert.Equal(example.Payload.GetProperty("repository").GetProperty("full_name").GetString(), published.Repo);
    }

    [Fact]
    public async Task Unmodelled_event_types_are_accepted_and_kept_raw()
    {
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher);
        var examples = WebhookExamples.Every.Where(e => !GitHubEventTypes.Modelled.Contains(e.Event) && e.Event != "ping").ToList();

        foreach (var e in examples)
        {
            var result = await service.HandleAsync(WebhookTestKit.Headers(e.Event, e.Body), e.Body);
            Assert.True(result.StatusCode == 202, $"{e}: {result}");
        }

        Assert.Equal(examples.Count, publisher.Events.Count);
        Assert.Equal(examples.Select(e => Encoding.UTF8.GetString(e.Body)), publisher.Events.Select(e => e.Payload.GetRawText()));
    }

    [Fact]
    public async Task Ping_answers_200_and_publishes_nothing()
    {
        var publisher = new RecordingEventPublisher();
        var ping = WebhookExamples.Of("ping").First().Body;
        var result = await WebhookTestKit.Service(publisher).HandleAsync(WebhookTestKit.Headers("ping", ping), ping);
        Assert.Equal((200, "pong"), (result.StatusCode, result.Status));
        Assert.Empty(publisher.Events);
        Assert.Equal(0, publisher.Calls);
    }

    [Theory]
    [InlineData(null, "missing X-Hub-Signature-256")]
    [InlineData("sha256=", "not of the form")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567", "not of the form")]
    [InlineData("sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "not of the form")]
    [InlineData("sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "does not match")]
    public async Task Missing_malformed_or_wrong_signature_is_401(string? signature, string reason)
    {
        var publisher = new RecordingEventPublisher();
        var headers = new WebhookHeaders("issues", Guid.NewGuid().ToString(), signature, IssueBody.Length);
        var result = await WebhookTestKit.Service(publisher).HandleAsync(headers, IssueBody);
        Assert.Equal(401, result.StatusCode);
        Assert.Contains(reason, result.Reason);
        Assert.Equal(0, publisher.Calls);
    }

    [Fact]
    public async Task Signature_with_another_secret_is_401()
    {
        var publisher = new RecordingEventPublisher();
        var result = await WebhookTestKit.Service(publisher).HandleAsync(WebhookTestKit.Headers("issues", IssueBody, secret: "not-the-secret"), IssueBody);
        Assert.Equal(401, result.StatusCode);
        Assert.Empty(publisher.Events);
    }

    [Fact]
    public async Task Body_changed_after_signing_is_401()
    {
        var publisher = new RecordingEventPublisher();
        var headers = WebhookTestKit.Headers("issues", IssueBody);
        var tampered = (byte[])IssueBody.Clone();
        var at = Encoding.UTF8.GetString(tampered).IndexOf("Codertocat", StringComparison.Ordinal);
        tampered[at] = (byte)'X';
        var result = await WebhookTestKit.Service(publisher).HandleAsync(headers, tampered);
        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task During_rotation_both_old_and_new_secrets_are_accepted_and_others_refused()
    {
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher, o =>
        {
            o.WebhookSecret = null;
            o.WebhookSecrets = ["new-secret", "old-secret"];
        });

        Assert.Equal(202, (await service.HandleAsync(WebhookTestKit.Headers("issues", IssueBody, "old-secret"), IssueBody)).StatusCode);
        Assert.Equal(202, (await service.HandleAsync(WebhookTestKit.Headers("issues", IssueBody, "new-secret"), IssueBody)).StatusCode);
        Assert.Equal(401, (await service.HandleAsync(WebhookTestKit.Headers("issues", IssueBody, "older-secret"), IssueBody)).StatusCode);
        Assert.Equal(2, publisher.Events.Count);
    }

    [Fact]
    public async Task Missing_event_or_delivery_header_is_400_with_the_header_name()
    {
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher);
        var sig = WebhookSignatureVerifier.Sign(IssueBody, WebhookTestKit.Secret);

        var noEvent = await service.HandleAsync(new WebhookHeaders(null, "d-1", sig), IssueBody);
        var noDelivery = await service.HandleAsync(new WebhookHeaders("issues", " ", sig), IssueBody);
        var badDelivery = await service.HandleAsync(new WebhookHeaders("issues", new string('x', 500), sig), IssueBody);

        Assert.Equal((400, "missing X-GitHub-Event header"), (noEvent.StatusCode, noEvent.Reason));
        Assert.Equal((400, "missing X-GitHub-Delivery header"), (noDelivery.StatusCode, noDelivery.Reason));
        Assert.Equal(400, badDelivery.StatusCode);
        Assert.Equal(0, publisher.Calls);
    }

    [Fact]
    public async Task Truncated_json_is_400_with_the_parser_position()
    {
        var publisher = new RecordingEventPublisher();
        var truncated = IssueBody[..(IssueBody.Length / 2)];
        var result = await WebhookTestKit.Service(publisher).HandleAsync(WebhookTestKit.Headers("issues", truncated), truncated);
        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("malformed JSON at line ", result.Reason);
        Assert.Matches(@"line \d+, byte \d+", result.Reason);
        Assert.Equal(0, publisher.Calls);
    }

    [Theory]
    [InlineData("\u0000\u0001garbage\u00ff")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    public async Task Garbage_body_is_400(string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var publisher = new RecordingEventPublisher();
        var result = await WebhookTestKit.Service(publisher).HandleAsync(WebhookTestKit.Headers("issues", body), body);
        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("malformed JSON", result.Reason);
    }

    [Fact]
    public async Task Json_that_is_not_an_object_is_400()
    {
        var body = "[1,2,3]"u8.ToArray();
        var result = await WebhookTestKit.Service(new RecordingEventPublisher()).HandleAsync(WebhookTestKit.Headers("issues", body), body);
        Assert.Equal(400, result.StatusCode);
        Assert.Contains("not an object", result.Reason);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_after_reading_at_most_limit_plus_one_bytes()
    {
        const int limit = 1 << 20;
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher, o => o.MaxBodyBytes = limit);
        var endless = new EndlessCountingStream();

        var result = await service.HandleAsync(new WebhookHeaders("issues", "d", "sha256=" + new string('0', 64), ContentLength: null), endless);

        Assert.Equal(413, result.StatusCode);
        Assert.InRange(endless.BytesRead, limit + 1, limit + 1);
        Assert.Equal(0, publisher.Calls);
    }

    [Fact]
    public async Task Announced_content_length_over_the_limit_is_413_without_reading()
    {
        var service = WebhookTestKit.Service(new RecordingEventPublisher());
        var endless = new EndlessCountingStream();
        var result = await service.HandleAsync(new WebhookHeaders("issues", "d", null, ContentLength: WebhookOptions.DefaultMaxBodyBytes + 1), endless);
        Assert.Equal(413, result.StatusCode);
        Assert.Equal(0, endless.BytesRead);
    }

    [Fact]
    public async Task Body_exactly_at_the_limit_is_accepted()
    {
        var body = IssueBody;
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher, o => o.MaxBodyBytes = body.Length);
        var result = await service.HandleAsync(WebhookTestKit.Headers("issues", body) with { ContentLength = null }, new MemoryStream(body));
        Assert.Equal(202, result.StatusCode);
    }

    [Fact]
    public async Task Duplicate_delivery_is_acknowledged_as_duplicate_and_published_once()
    {
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher);
        var headers = WebhookTestKit.Headers("issues", IssueBody, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958");

        var first = await service.HandleAsync(headers, IssueBody);
        var second = await service.HandleAsync(headers, IssueBody);

        Assert.Equal(202, first.StatusCode);
        Assert.Equal((200, "duplicate"), (second.StatusCode, second.Status));
        Assert.Equal(first.EventId, second.EventId);
        Assert.Single(publisher.Events);
    }

    [Fact]
    public async Task Nothing_is_acknowledged_before_the_publish_completes()
    {
        var publisher = new RecordingEventPublisher { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var service = WebhookTestKit.Service(publisher);

        var pending = service.HandleAsync(WebhookTestKit.Headers("issues", IssueBody), IssueBody);
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        publisher.Gate.SetResult();
        Assert.Equal(202, (await pending).StatusCode);
    }

    [Fact]
    public async Task Failed_publish_answers_503_and_the_redelivery_is_published()
    {
        var publisher = new RecordingEventPublisher { FailNextCalls = 1 };
        var service = WebhookTestKit.Service(publisher);
        var headers = WebhookTestKit.Headers("issues", IssueBody);

        var failed = await service.HandleAsync(headers, IssueBody);
        var retried = await service.HandleAsync(headers, IssueBody);

        Assert.Equal(503, failed.StatusCode);
        Assert.Equal(202, retried.StatusCode);
        Assert.Single(publisher.Events);
    }

    [Fact]
    public async Task Concurrent_duplicate_waits_for_the_first_and_is_published_once_even_if_the_first_fails()
    {
        var publisher = new RecordingEventPublisher { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), FailNextCalls = 1 };
        var service = WebhookTestKit.Service(publisher);
        var headers = WebhookTestKit.Headers("issues", IssueBody);

        var first = service.HandleAsync(headers, IssueBody);
        var second = service.HandleAsync(headers, IssueBody);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        publisher.Gate.SetResult();

        var results = new[] { await first, await second }.Select(r => r.StatusCode).Order().ToArray();
        Assert.Equal([202, 503], results);
        Assert.Single(publisher.Events);
    }

    [Fact]
    public async Task Two_hundred_parallel_deliveries_are_all_accepted_and_each_published_exactly_once()
    {
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher);
        var examples = WebhookExamples.Every.Where(e => GitHubEventTypes.Modelled.Contains(e.Event)).ToList();
        var deliveries = Enumerable.Range(0, 200).Select(i => (Example: examples[i % examples.Count], Delivery: $"delivery-{i:D4}")).ToList();

        var results = await Task.WhenAll(deliveries.Select(d => Task.Run(() =>
            service.HandleAsync(WebhookTestKit.Headers(d.Example.Event, d.Example.Body, delivery: d.Delivery), new MemoryStream(d.Example.Body)))));
        // Each delivery is also repeated concurrently: still exactly one publish per id.
        var repeats = await Task.WhenAll(deliveries.Take(50).Select(d => Task.Run(() =>
            service.HandleAsync(WebhookTestKit.Headers(d.Example.Event, d.Example.Body, delivery: d.Delivery), d.Example.Body))));

        Assert.All(results, r => Assert.Equal(202, r.StatusCode));
        Assert.All(repeats, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(deliveries.Select(d => "delivery:" + d.Delivery).Order(), publisher.Events.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task Unsigned_deliveries_are_accepted_only_when_signatures_are_explicitly_off()
    {
        var publisher = new RecordingEventPublisher();
        var service = WebhookTestKit.Service(publisher, o =>
        {
            o.WebhookSecret = null;
            o.RequireSignature = false;
        });
        var result = await service.HandleAsync(WebhookTestKit.Headers("issues", IssueBody, secret: null), IssueBody);
        Assert.Equal(202, result.StatusCode);
    }
}
