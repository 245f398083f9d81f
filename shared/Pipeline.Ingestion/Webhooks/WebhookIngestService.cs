using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Handles one webhook delivery: size limit (413), signature (401), headers (400), JSON or form-encoded JSON (400),
/// <c>ping</c> (200), duplicate (200), otherwise normalise it and hand it off durably, then answer 202.
/// With durable acceptance (the default) the hand-off is the inbox write of <see cref="WebhookRelay"/> (blob storage,
/// bounded in time; the relay publishes to <c>github.events</c> afterwards), so a slow or absent broker never makes
/// GitHub time out. Without it (<c>GitHub:DurableAcceptance=false</c>) the event is published inline with the idempotent
/// producer. Either way nothing is acknowledged before it is durable: a failure answers 503 so GitHub's delivery log
/// shows it and the redelivery timer can request it again.
/// </summary>
public sealed class WebhookIngestService
{
    private const int MaxDeliveryIdLength = 128;
    private readonly IEventPublisher _publisher;
    private readonly WebhookOptions _options;
    private readonly WebhookSignatureVerifier _verifier;
    private readonly RecentDeliveryCache _recent;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookIngestService> _logger;
    private readonly WebhookRelay? _relay;

    public WebhookIngestService(IEventPublisher publisher, IOptions<WebhookOptions> options, ILogger<WebhookIngestService> logger, TimeProvider? time = null)
        : this(publisher, options, logger, time, null)
    {
    }

    internal WebhookIngestService(IEventPublisher publisher, IOptions<WebhookOptions> options, ILogger<WebhookIngestService> logger, TimeProvider? time, WebhookRelay? relay)
    {
        _publisher = publisher;
        _relay = relay is { Enabled: true } ? relay : null;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _verifier = new WebhookSignatureVerifier(_options.AllSecrets());
        _recent = new RecentDeliveryCache(_options.DuplicateWindow, _options.DuplicateCacheSize, _time);
        if (!_options.RequireSignature && _verifier.SecretCount == 0)
        {
            WebhookIngestServiceLog.SignaturesNotVerified(_logger);
        }
    }

    public long MaxBodyBytes => _options.MaxBodyBytes;

    /// <summary>Reads the body (bounded by <see cref="WebhookOptions.MaxBodyBytes"/>) and handles the delivery.</summary>
    public async Task<WebhookResult> HandleAsync(WebhookHeaders headers, Stream body, CancellationToken ct = default)
    {
        var bytes = await BoundedBodyReader.ReadAsync(body, _options.MaxBodyBytes, headers.ContentLength, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            WebhookIngestServiceLog.DeliveryTooLarge(_logger, headers.Delivery, _options.MaxBodyBytes);
            return WebhookResult.TooLarge(_options.MaxBodyBytes);
        }
        return await HandleAsync(headers, bytes.Value, ct).ConfigureAwait(false);
    }

    /// <summary>Handles a delivery whose body is already in memory.</summary>
    public async Task<WebhookResult> HandleAsync(WebhookHeaders headers, ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        if (body.Length > _options.MaxBodyBytes || headers.ContentLength > _options.MaxBodyBytes) return WebhookResult.TooLarge(_options.MaxBodyBytes);

        if (_verifier.SecretCount > 0 || _options.RequireSignature)
        {
            var check = _verifier.Verify(body.Span, headers.Signature256);
            if (check != SignatureCheck.Valid)
            {
                var reason = check switch
                {
                    SignatureCheck.Missing => "missing X-Hub-Signature-256 header",
                    SignatureCheck.Malformed => "X-Hub-Signature-256 is not of the form sha256=<64 hex digits>",
                    _ => "X-Hub-Signature-256 does not match the body for any configured secret",
                };
                WebhookIngestServiceLog.DeliveryRejected(_logger, headers.Delivery, reason);
                return WebhookResult.Unauthorized(reason);
            }
        }

        if (string.IsNullOrWhiteSpace(headers.Event)) return WebhookResult.BadRequest("missing X-GitHub-Event header");
        if (string.IsNullOrWhiteSpace(headers.Delivery)) return WebhookResult.BadRequest("missing X-GitHub-Delivery header");
        var eventType = headers.Event.Trim();
        var deliveryId = headers.Delivery.Trim();
        if (deliveryId.Length > MaxDeliveryIdLength || deliveryId.Any(char.IsControl))
        {
            return WebhookResult.BadRequest($"X-GitHub-Delivery must be at most {MaxDeliveryIdLength} printable characters");
        }
        var eventId = WebhookNormalization.EventIdOf(deliveryId);

        var (payload, error) = WebhookNormalization.Parse(headers.ContentType, body);
        if (error is not null) return WebhookResult.BadRequest(error, eventId);

        if (eventType == GitHubEventTypes.Ping)
        {
            WebhookIngestServiceLog.Ping(_logger, deliveryId, GitHubEventNormalizer.RepoOf(payload), GitHubEventNormalizer.Str(payload, "zen"));
            return WebhookResult.Pong(eventId);
        }

        var claim = await _recent.ClaimAsync(deliveryId, ct).ConfigureAwait(false);
        if (claim.IsDuplicate) return WebhookResult.Duplicate(eventId);

        var published = false;
        try
        {
            var receivedAt = _time.GetUtcNow();
            var evt = WebhookNormalization.Normalize(eventType, deliveryId, payload, receivedAt);
            if (_relay is not null)
            {
                var raw = new RawDelivery(eventType, deliveryId, headers.ContentType, headers.Signature256, receivedAt, body,
                    System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } current ? current.Id : null);
                published = await _relay.AcceptAsync(raw, evt, ct).ConfigureAwait(false);
                return published
                    ? WebhookResult.Accepted(eventId)
                    : WebhookResult.Unavailable("the delivery could not be stored durably in time; redeliver it", eventId);
            }
            await _publisher.PublishAsync([evt], ct).ConfigureAwait(false);
            published = true;
            return WebhookResult.Accepted(eventId);
        }
        catch (FormatException ex)
        {
            // MalformedGitHubEventException is a FormatException: the payload lacks what the event type needs.
            return WebhookResult.BadRequest(ex.Message, eventId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            WebhookIngestServiceLog.DeliveryNotPublished(_logger, ex, deliveryId, eventType);
            return WebhookResult.Unavailable("the event could not be handed to the broker; redeliver it", eventId);
        }
        finally
        {
            claim.Complete(published);
        }
    }
}

/// <summary>The source-generated log messages of WebhookIngestService (event ids: docs/architecture.md).</summary>
internal static partial class WebhookIngestServiceLog
{
    [LoggerMessage(EventId = 1128, Level = LogLevel.Warning, Message = "!!! GitHub webhook signatures are NOT verified (GitHub:RequireSignature=false and no GitHub:WebhookSecret): anyone who can reach POST /api/github/webhooks can inject events. Use this only on a private machine. !!!")]
    public static partial void SignaturesNotVerified(ILogger logger);

    [LoggerMessage(EventId = 1129, Level = LogLevel.Warning, Message = "Webhook delivery {Delivery} rejected: body over {Limit} bytes")]
    public static partial void DeliveryTooLarge(ILogger logger, string? delivery, long limit);

    [LoggerMessage(EventId = 1130, Level = LogLevel.Warning, Message = "Webhook delivery {Delivery} rejected: {Reason}")]
    public static partial void DeliveryRejected(ILogger logger, string? delivery, string reason);

    [LoggerMessage(EventId = 1131, Level = LogLevel.Information, Message = "Webhook ping {Delivery} for {Repo}: {Zen}")]
    public static partial void Ping(ILogger logger, string delivery, string repo, string? zen);

    [LoggerMessage(EventId = 1132, Level = LogLevel.Error, Message = "Webhook delivery {Delivery} ({Event}) could not be published")]
    public static partial void DeliveryNotPublished(ILogger logger, Exception exception, string delivery, string @event);
}
