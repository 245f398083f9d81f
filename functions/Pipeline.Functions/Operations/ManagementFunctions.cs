using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pipeline.Api.Management;

namespace Pipeline.Functions.Operations;

/// <summary>
/// The Durable Functions management routes of every long-running operation (the start and status triggers live with each
/// area): list with paging and a status filter, terminate, raise event, rewind and purge, over the shared ManagementHandlers.
/// </summary>
public sealed class ManagementFunctions
{
    // ---- Backfill ----

    [Function("ListBackfillInstances")]
    public Task<IResult> ListBackfillInstances(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backfill")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Backfill, o => ManagementHandlers.ListAsync(req, client, o));

    [Function("TerminateBackfill")]
    public Task<IResult> TerminateBackfill(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfill/{instanceId}/terminate")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Backfill, o => ManagementHandlers.TerminateAsync(req, client, o, instanceId));

    [Function("RaiseEventBackfill")]
    public Task<IResult> RaiseEventBackfill(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfill/{instanceId}/raiseEvent/{eventName}")] HttpRequest req, string instanceId,
        string eventName, [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Backfill, o => ManagementHandlers.RaiseEventAsync(req, client, o, instanceId, eventName));

    [Function("RewindBackfill")]
    public Task<IResult> RewindBackfill(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfill/{instanceId}/rewind")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Backfill, o => ManagementHandlers.RewindAsync(req, client, o, instanceId));

    [Function("PurgeBackfill")]
    public Task<IResult> PurgeBackfill(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "backfill/{instanceId}")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Backfill, o => ManagementHandlers.PurgeAsync(req, client, o, instanceId));

    // ---- Aggregation ----

    [Function("ListAggregationInstances")]
    public Task<IResult> ListAggregationInstances(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/aggregate")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Aggregation, o => ManagementHandlers.ListAsync(req, client, o));

    [Function("TerminateAggregation")]
    public Task<IResult> TerminateAggregation(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/aggregate/{instanceId}/terminate")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Aggregation, o => ManagementHandlers.TerminateAsync(req, client, o, instanceId));

    [Function("RaiseEventAggregation")]
    public Task<IResult> RaiseEventAggregation(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/aggregate/{instanceId}/raiseEvent/{eventName}")] HttpRequest req, string instanceId,
        string eventName, [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Aggregation, o => ManagementHandlers.RaiseEventAsync(req, client, o, instanceId, eventName));

    [Function("RewindAggregation")]
    public Task<IResult> RewindAggregation(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/aggregate/{instanceId}/rewind")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Aggregation, o => ManagementHandlers.RewindAsync(req, client, o, instanceId));

    [Function("PurgeAggregation")]
    public Task<IResult> PurgeAggregation(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "jobs/aggregate/{instanceId}")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Aggregation, o => ManagementHandlers.PurgeAsync(req, client, o, instanceId));

    // ---- Retrain ----

    [Function("ListRetrainInstances")]
    public Task<IResult> ListRetrainInstances(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{name}/retrain")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.RetrainOf(name), o => ManagementHandlers.ListAsync(req, client, o));

    [Function("TerminateRetrain")]
    public Task<IResult> TerminateRetrain(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/retrain/{instanceId}/terminate")] HttpRequest req, string name, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.RetrainOf(name), o => ManagementHandlers.TerminateAsync(req, client, o, instanceId));

    [Function("RaiseEventRetrain")]
    public Task<IResult> RaiseEventRetrain(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/retrain/{instanceId}/raiseEvent/{eventName}")] HttpRequest req, string name, string instanceId,
        string eventName, [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.RetrainOf(name), o => ManagementHandlers.RaiseEventAsync(req, client, o, instanceId, eventName));

    [Function("RewindRetrain")]
    public Task<IResult> RewindRetrain(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/retrain/{instanceId}/rewind")] HttpRequest req, string name, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.RetrainOf(name), o => ManagementHandlers.RewindAsync(req, client, o, instanceId));

    [Function("PurgeRetrain")]
    public Task<IResult> PurgeRetrain(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "models/{name}/retrain/{instanceId}")] HttpRequest req, string name, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.RetrainOf(name), o => ManagementHandlers.PurgeAsync(req, client, o, instanceId));

    // ---- Audit ----

    [Function("TerminateAudit")]
    public Task<IResult> TerminateAudit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "audit/{instanceId}/terminate")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Audit, o => ManagementHandlers.TerminateAsync(req, client, o, instanceId));

    [Function("RaiseEventAudit")]
    public Task<IResult> RaiseEventAudit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "audit/{instanceId}/raiseEvent/{eventName}")] HttpRequest req, string instanceId,
        string eventName, [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Audit, o => ManagementHandlers.RaiseEventAsync(req, client, o, instanceId, eventName));

    [Function("RewindAudit")]
    public Task<IResult> RewindAudit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "audit/{instanceId}/rewind")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Audit, o => ManagementHandlers.RewindAsync(req, client, o, instanceId));

    [Function("PurgeAudit")]
    public Task<IResult> PurgeAudit(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "audit/{instanceId}")] HttpRequest req, string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.Audit, o => ManagementHandlers.PurgeAsync(req, client, o, instanceId));
}
