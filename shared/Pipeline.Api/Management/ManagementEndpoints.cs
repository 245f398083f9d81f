using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;

namespace Pipeline.Api.Management;

/// <summary>
/// Maps the management routes of every long-running operation on the local host (the Functions app declares the same routes
/// as triggers in ManagementFunctions): list, status, terminate, raise event, rewind and purge.
/// </summary>
internal static class ManagementEndpoints
{
    public static IEndpointRouteBuilder MapManagementEndpoints(this IEndpointRouteBuilder app)
    {
        Map(app, ManagedOperation.Backfill.Collection, "Backfill", _ => ManagedOperation.Backfill);
        Map(app, ManagedOperation.Aggregation.Collection, "Aggregation", _ => ManagedOperation.Aggregation);
        Map(app, ManagedOperation.Audit.Collection, "Audit", _ => ManagedOperation.Audit);
        Map(app, "/api/models/{name}/retrain", "Retrain",
            ctx => ctx.Request.RouteValues["name"] is string name ? ManagedOperation.RetrainOf(name) : null);
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string collection, string kind, Func<HttpContext, ManagedOperation?> resolve)
    {
        var group = app.MapGroup(collection).WithTags(kind);
        group.MapGet("/", (HttpRequest req, DurableTaskClient client) =>
                With(req, resolve, op => ManagementHandlers.ListAsync(req, client, op)))
            .WithName($"List{kind}Instances").Produces<InstanceListDocument>();
        group.MapGet("/{instanceId}", (HttpRequest req, string instanceId, DurableTaskClient client) =>
                With(req, resolve, op => ManagementHandlers.StatusAsync(req, client, op, instanceId)))
            .WithName($"{kind}Status").Produces<InstanceStatusDocument>().Produces<InstanceStatusDocument>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{instanceId}/terminate", (HttpRequest req, string instanceId, DurableTaskClient client) =>
                With(req, resolve, op => ManagementHandlers.TerminateAsync(req, client, op, instanceId)))
            .WithName($"Terminate{kind}").Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        group.MapPost("/{instanceId}/raiseEvent/{eventName}", (HttpRequest req, string instanceId, string eventName, DurableTaskClient client) =>
                With(req, resolve, op => ManagementHandlers.RaiseEventAsync(req, client, op, instanceId, eventName)))
            .WithName($"RaiseEvent{kind}").Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone).DisableAntiforgery();
        group.MapPost("/{instanceId}/rewind", (HttpRequest req, string instanceId, DurableTaskClient client) =>
                With(req, resolve, op => ManagementHandlers.RewindAsync(req, client, op, instanceId)))
            .WithName($"Rewind{kind}").Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status501NotImplemented);
        group.MapDelete("/{instanceId}", (HttpRequest req, string instanceId, DurableTaskClient client) =>
                With(req, resolve, op => ManagementHandlers.PurgeAsync(req, client, op, instanceId)))
            .WithName($"Purge{kind}").Produces<PurgeResult>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static Task<IResult> With(HttpRequest request, Func<HttpContext, ManagedOperation?> resolve, Func<ManagedOperation, Task<IResult>> handle) =>
        ManagementHandlers.For(resolve(request.HttpContext), handle);
}
