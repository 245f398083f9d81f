using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Webhooks;

internal static class WebhookTestKit
{
    public const string Secret = "It's a Secret to Everybody";

    public static WebhookIngestService Service(RecordingEventPublisher publisher, Action<WebhookOptions>? configure = null)
    {
        var options = new WebhookOptions { WebhookSecret = Secret };
        configure?.Invoke(options);
        return new WebhookIngestService(publisher, Options.Create(options), NullLogger<WebhookIngestService>.Instance);
    }

    public static WebhookHeaders Headers(string eventType, byte[] body, string? secret = Secret, string? delivery = null) =>
        new(eventType, delivery ?? Guid.NewGuid().ToString(), secret is null ? null : WebhookSignatureVerifier.Sign(body, secret), body.Length);
}

/// <summary>A body stream of endless bytes that counts how much was read from it.</summary>
internal sealed class EndlessCountingStream : Stream
{
    public long BytesRead;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        buffer.AsSpan(offset, count).Fill((byte)'a');
        BytesRead += count;
        return count;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
