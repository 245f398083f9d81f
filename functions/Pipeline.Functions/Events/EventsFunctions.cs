using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Api.Events;
using Pipeline.Storage.Events;

namespace Pipeline.Functions.Events;

public sealed class EventsFunctions(EventQueryService events)
{
    [Function("ListEvents")]
    public Task<IResult> ListEvents([HttpTrigger(AuthorizationLevel.Function, "get", Route = "events")] HttpRequest req)
        => EventsEndpoints.ListEvents(req, events);

    [Function("GetEvent")]
    public Task<IResult> GetEvent([HttpTrigger(AuthorizationLevel.Function, "get", Route = "events/{id}")] HttpRequest req, string id)
        => EventsEndpoints.GetEvent(req, id, events);
}
