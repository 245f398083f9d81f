using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Api.Webhooks;
using Pipeline.Ingestion.Webhooks;

namespace Pipeline.Functions.Webhooks;

/// <summary>GitHub webhook receiver. Anonymous: GitHub authenticates each delivery by its HMAC signature, not a function key.</summary>
public sealed class WebhookFunctions(WebhookIngestService service)
{
    [Function("GitHubWebhook")]
    public Task<IResult> GitHubWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "github/webhooks")] HttpRequest req,
        CancellationToken ct)
        => WebhookEndpoints.HandleAsync(req, service, ct);
}
