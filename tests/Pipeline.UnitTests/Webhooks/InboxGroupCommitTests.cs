using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Webhooks;

public sealed class InboxGroupCommitTests
{
    private static readonly WebhookExample Issue = WebhookExamples.Of("issues").First();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_framed_batch_round_trips_every_field_and_binary_bodies(bool compress)
    {
        var received = new DateTimeOffset(2026, 12, 2, 21, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);
        var form = Encoding.ASCII.GetBytes("payload=" + Uri.EscapeDataString("{\"zen\":\"é\"}"));
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var deliveries = new[]
        {
            new RawDelivery("issues", "id-1", "application/json", "sha256=" + new string('a', 64), received, Issue.Body, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            new RawDelivery("push", "id-2", "application/x-www-form-urlencoded", null, received.AddSeconds(1), form),
            new RawDelivery("star", "id-3", null, null, received, binary),
            new RawDelivery("ping", "id-4", null, null, received, ReadOnlyMemory<byte>.Empty),
        };

        var encoded = InboxBatchFormat.Encode(deliveries, compress);
        var decoded = InboxBatchFormat.Decode(encoded);

        if (compress) Assert.True(encoded.Length < Issue.Body.Length / 2, $"the JSON body is compressed ({encoded.Length} bytes for a {Issue.Body.Length}-byte body)");

        Assert.Equal(deliveries.Length, decoded.Count);
        for (var i = 0; i < deliveries.Length; i++)
        {
            Assert.Equal(deliveries[i] with { Body = default }, decoded[i] with { Body = default });
            Assert.Equal(deliveries[i].Body.ToArray(), decoded[i].Body.ToArray());
        }
    }

    [Fact]
    public void A_truncated_or_foreign_blob_is_a_format_error_not_a_shorter_batch()
    {
        var encoded = InboxBatchFormat.Encode([Raw("a"), Raw("b")]);
        Assert.Throws<FormatException>(() => InboxBatchFormat.Decode(encoded.AsMemory(0, encoded.Length - 1)));
        var compressed = InboxBatchFormat.Encode([Raw("a")], compress: true);
        compressed[^10] ^= 0xFF;
        Assert.Throws<FormatException>(() => InboxBatchFormat.Decode(compressed));
        Assert.Throws<FormatException>(() => InboxBatchFormat.Decode(Issue.Body));
    }

    [Fact]
    public async Task Concurrent_deliveries_share_one_put_and_each_is_released_only_after_it()
    {
        var inbox = new GatedInbox();
        var committed = new List<(string Name, int Count)>();
        var commit = Commit(inbox, o => o.InboxMaxConcurrentWrites = 1, (name, entries) => committed.Add((name, entries.Count)));

        var first = commit.Add(Raw("first"), Event("first"));
        await inbox.PutStarted.WaitAsync(TimeSpan.FromSeconds(5));
        // The only write slot is busy: these wait in the next batch, however long the put takes.
        var rest = Enumerable.Range(0, 50).Select(i => commit.Add(Raw($"d{i}"), Event($"d{i}"))).ToList();
        await Task.Delay(50);
        Assert.All(rest, e => Assert.False(e.Written.Task.IsCompleted));
        Assert.False(first.Written.Task.IsCompleted, "not released before its put is confirmed");

        inbox.Release();
        await Task.WhenAll(rest.Select(e => e.Written.Task).Append(first.Written.Task)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, inbox.Puts.Count);
        Assert.Equal(["first"], inbox.Puts[0].Select(d => d.DeliveryId));
        Assert.Equal(rest.Select(e => e.Delivery.DeliveryId), inbox.Puts[1].Select(d => d.DeliveryId));
        Assert.All(rest, e => Assert.Equal(committed[1].Name, e.Written.Task.Result));
        Assert.Equal([1, 50], committed.Select(c => c.Count));
    }

    [Fact]
    public async Task Batches_are_bounded_by_count_and_by_bytes()
    {
        var inbox = new GatedInbox();
        inbox.Release();
        var byCount = Commit(inbox, o => (o.InboxBatchMaxDeliveries, o.InboxBatchLinger) = (10, TimeSpan.FromMilliseconds(200)));
        await Task.WhenAll(Enumerable.Range(0, 25).Select(i => byCount.Add(Raw($"c{i}"), Event($"c{i}")).Written.Task));
        Assert.Equal([10, 10, 5], inbox.Puts.Select(p => p.Count).Order().Reverse());

        inbox.Puts.Clear();
        var limit = 3 * (Issue.Body.Length + InboxBatchFormat.OverheadPerDelivery);
        var byBytes = Commit(inbox, o => (o.InboxBatchMaxBytes, o.InboxBatchLinger) = (limit, TimeSpan.FromMilliseconds(200)));
        await Task.WhenAll(Enumerable.Range(0, 7).Select(i => byBytes.Add(Raw($"b{i}"), Event($"b{i}")).Written.Task));
        Assert.Equal([3, 3, 1], inbox.Puts.Select(p => p.Count).Order().Reverse());
    }

    [Fact]
    public async Task A_failed_put_fails_every_delivery_of_its_batch_and_commits_nothing()
    {
        var inbox = new GatedInbox { Failure = new IOException("storage went away") };
        inbox.Release();
        var committed = 0;
        var commit = Commit(inbox, o => o.InboxBatchLinger = TimeSpan.FromMilliseconds(100), (_, _) => committed++);

        var entries = Enumerable.Range(0, 8).Select(i => commit.Add(Raw($"f{i}"), Event($"f{i}"))).ToList();

        foreach (var e in entries) await Assert.ThrowsAsync<IOException>(() => e.Written.Task);
        Assert.Single(inbox.Puts);
        Assert.Equal(0, committed);
    }

    [Fact]
    public async Task A_delivery_whose_caller_gave_up_before_its_batch_was_sealed_is_left_out()
    {
        var inbox = new GatedInbox();
        var commit = Commit(inbox, o => o.InboxMaxConcurrentWrites = 1);
        var first = commit.Add(Raw("first"), Event("first"));
        await inbox.PutStarted.WaitAsync(TimeSpan.FromSeconds(5));
        var abandoned = commit.Add(Raw("abandoned"), Event("abandoned"));
        var kept = commit.Add(Raw("kept"), Event("kept"));
        abandoned.Written.TrySetCanceled();

        inbox.Release();
        await Task.WhenAll(first.Written.Task, kept.Written.Task).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["kept"], inbox.Puts[1].Select(d => d.DeliveryId));
    }

    [Fact]
    public async Task The_put_is_cancelled_after_the_durable_write_timeout()
    {
        var inbox = new GatedInbox();
        var commit = Commit(inbox, o => o.DurableWriteTimeout = TimeSpan.FromMilliseconds(200));
        var entry = commit.Add(Raw("slow"), Event("slow"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => entry.Written.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static InboxGroupCommit Commit(GatedInbox inbox, Action<WebhookOptions> configure, Action<string, IReadOnlyList<InboxGroupCommit.Entry>>? committed = null)
    {
        var options = new WebhookOptions { WebhookSecret = "s", InboxBatchLinger = TimeSpan.Zero };
        configure(options);
        return new InboxGroupCommit(inbox, options, TimeProvider.System, committed ?? ((_, _) => { }));
    }

    private static RawDelivery Raw(string id) => new("issues", id, "application/json", null, DateTimeOffset.UtcNow, Issue.Body);

    private static Pipeline.Domain.GitHubEvent Event(string id) =>
        WebhookNormalization.Normalize("issues", id, WebhookNormalization.Parse("application/json", Issue.Body).Payload, DateTimeOffset.UtcNow);

    /// <summary>An inbox whose puts wait for <see cref="Release"/>, recording each batch; it never loses a confirmed put.</summary>
    private sealed class GatedInbox : IWebhookInbox
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<List<RawDelivery>> Puts { get; } = [];
        public Exception? Failure { get; init; }
        public Task PutStarted => _started.Task;

        public void Release() => _gate.TrySetResult();

        public async Task<string> WriteAsync(IReadOnlyList<RawDelivery> deliveries, CancellationToken ct)
        {
            lock (Puts) Puts.Add(deliveries.ToList());
            _started.TrySetResult();
            await _gate.Task.WaitAsync(ct);
            if (Failure is not null) throw Failure;
            return Guid.NewGuid().ToString("N");
        }

        public async IAsyncEnumerable<(string Name, DateTimeOffset Written)> ListAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task<IReadOnlyList<RawDelivery>?> ReadAsync(string name, CancellationToken ct) => Task.FromResult<IReadOnlyList<RawDelivery>?>(null);

        public Task DeleteAsync(string name, CancellationToken ct) => Task.CompletedTask;
    }
}
