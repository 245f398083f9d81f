using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Ingestion.Webhooks;

namespace Pipeline.Api.Webhooks;

/// <summary><c>POST /api/github/webhooks</c>: GitHub webhook deliveries (authenticated by signature, not by key).</summary>
public static class WebhookEndpoints
{
    public const string Route = "/api/github/webhooks";

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, (HttpRequest request, WebhookIngestService service, CancellationToken ct) => HandleAsync(request, service, ct))
            .WithName("GitHubWebhook")
            .DisableAntiforgery();
        return app;
    }

    /// <summary>Reads the raw body as bytes (never more than the limit + 1) and answers <c>{status, reason, eventId}</c>.</summary>
    public static async Task<IResult> HandleAsync(HttpRequest request, WebhookIngestService service, CancellationToken ct)
    {
        WebhookResult result;
        var headers = WebhookHeaders.From(name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, request.ContentLength);
        try
        {
            // Let our bounded reader enforce the limit; the server's own cap (Kestrel 30 MB) must not be lower than ours.
            var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = service.MaxBodyBytes + 1;
            result = await service.HandleAsync(headers, request.Body, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            result = WebhookResult.TooLarge(service.MaxBodyBytes);
        }
        catch (BadHttpRequestException ex)
        {
            result = WebhookResult.BadRequest("unreadable request body: " + ex.Message);
        }
        return ToHttpResult(result);
    }

    public static IResult ToHttpResult(WebhookResult result) =>
        TypedResults.Json(new WebhookResponse(result.Status, result.Reason, result.EventId), Pipeline.Domain.Json.PipelineJson.Options, statusCode: result.StatusCode);
}
