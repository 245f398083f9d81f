namespace Pipeline.Api.Webhooks;

/// <summary>The JSON body of every answer of <c>POST /api/github/webhooks</c>.</summary>
internal sealed record WebhookResponse(string Status, string? Reason, string? EventId);
