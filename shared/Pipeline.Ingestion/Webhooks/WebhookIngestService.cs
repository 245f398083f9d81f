using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Handles one webhook delivery: size limit (413), signature (401), headers (400), JSON (400), <c>ping</c> (200),
/// duplicate (200), otherwise normalise and publish the one event to <c>github.events</c> and answer 202.
/// Publishing to Kafka with an idempotent producer is the durable hand-off; nothing else happens inline, and nothing is
/// acknowledged before the broker has the event (a publish failure answers 503 so GitHub's delivery log shows it).
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

    public WebhookIngestService(IEventPublisher publisher, IOptions<WebhookOptions> options, ILogger<WebhookIngestService> logger, TimeProvider? time = null)
    {
        _publisher = publisher;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _verifier = new WebhookSignatureVerifier(_options.AllSecrets());
        _recent = new RecentDeliveryCache(_options.DuplicateWindow, _options.DuplicateCacheSize, _time);
        if (!_options.RequireSignature && _verifier.SecretCount == 0)
        {
            _logger.LogWarning("!!! GitHub webhook signatures are NOT verified (GitHub:RequireSignature=false and no GitHub:WebhookSecret): " +
                "anyone who can reach POST /api/github/webhooks can inject events. Use this only on a private machine. !!!");
        }
    }

    public long MaxBodyBytes => _options.MaxBodyBytes;

    /// <summary>Reads the body (bounded by <see cref="WebhookOptions.MaxBodyBytes"/>) and handles the delivery.</summary>
    public async Task<WebhookResult> HandleAsync(WebhookHeaders headers, Stream body, CancellationToken ct = default)
    {
        var bytes = await BoundedBodyReader.ReadAsync(body, _options.MaxBodyBytes, headers.ContentLength, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            _logger.LogWarning("Webhook delivery {Delivery} rejected: body over {Limit} bytes", headers.Delivery, _options.MaxBodyBytes);
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
                _logger.LogWarning("Webhook delivery {Delivery} rejected: {Reason}", headers.Delivery, reason);
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
        var eventId = "delivery:" + deliveryId;

        JsonElement payload;
        try
        {
            // The document keeps pointing into `body` (no copy); it is not disposed because the event carries its root.
            payload = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 }).RootElement;
        }
        catch (JsonException ex)
        {
            return WebhookResult.BadRequest(
                $"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message}", eventId);
        }
        if (payload.ValueKind != JsonValueKind.Object) return WebhookResult.BadRequest($"the body is a JSON {payload.ValueKind.ToString().ToLowerInvariant()}, not an object", eventId);

        if (eventType == GitHubEventTypes.Ping)
        {
            _logger.LogInformation("Webhook ping {Delivery} for {Repo}: {Zen}", deliveryId, GitHubEventNormalizer.RepoOf(payload), GitHubEventNormalizer.Str(payload, "zen"));
            return WebhookResult.Pong(eventId);
        }

        var claim = await _recent.ClaimAsync(deliveryId, ct).ConfigureAwait(false);
        if (claim.IsDuplicate) return WebhookResult.Duplicate(eventId);

        var published = false;
        try
        {
            var evt = GitHubEventNormalizer.FromWebhook(eventType, deliveryId, payload, _time.GetUtcNow());
            await _publisher.PublishAsync([evt], ct).ConfigureAwait(false);
            published = true;
            return WebhookResult.Accepted(eventId);
        }
        catch (MalformedGitHubEventException ex)
        {
            return WebhookResult.BadRequest(ex.Message, eventId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _logger.LogError(ex, "Webhook delivery {Delivery} ({Event}) could not be published", deliveryId, eventType);
            return WebhookResult.Unavailable("the event could not be handed to the broker; redeliver it", eventId);
        }
        finally
        {
            claim.Complete(published);
        }
    }
}
