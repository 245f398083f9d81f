using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipeline.Domain.Json;
using Pipeline.Storage;
using Pipeline.Storage.Events;

namespace Pipeline.Api.Events;

/// <summary>Stored events for operators and the dashboard's ingestion panel.</summary>
public static class EventsEndpoints
{
    /// <summary>
    /// <c>GET /api/events?repo=&amp;type=&amp;deliveryId=&amp;limit=</c>: stored events newest first, each with id, delivery id, type,
    /// action, repository, actor, source and created/received times (no payload). limit defaults to 50, at most 1000;
    /// 400 on a bad limit, 503 while the store is unreachable.
    /// </summary>
    public static async Task<IResult> ListEvents(HttpRequest req, EventQueryService events)
    {
        var query = req.Query;
        var limit = EventQueryService.DefaultLimit;
        var limitText = query["limit"].ToString();
        if (limitText.Length > 0
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > EventQueryService.MaxLimit))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad limit",
                detail: $"limit must be an integer between 1 and {EventQueryService.MaxLimit} (got '{limitText}')");
        }
        string? Param(string name) => query[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
        try
        {
            var list = await events.ListEventsAsync(Param("repo"), Param("type"), Param("deliveryId"), limit, req.HttpContext.RequestAborted);
            return TypedResults.Json(new EventListResponse(list.Count, limit, list), PipelineJson.Options);
        }
        catch (StoreUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable", detail: e.Message);
        }
    }

    /// <summary><c>GET /api/events/{id}</c>: one stored event with its raw payload; 404 when unknown.</summary>
    public static async Task<IResult> GetEvent(HttpRequest req, string id, EventQueryService events)
    {
        try
        {
            var doc = await events.GetEventAsync(id, req.HttpContext.RequestAborted);
            return doc is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No stored event with id '{id}'")
                : TypedResults.Text(doc.ToJsonString(), "application/json");
        }
        catch (StoreUnavailableException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable", detail: e.Message);
        }
    }

    public static IEndpointRouteBuilder MapEventsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", ListEvents);
        app.MapGet("/api/events/{id}", GetEvent);
        return app;
    }
}
