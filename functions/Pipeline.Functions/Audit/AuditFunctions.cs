// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Api.Audit;
using Pipeline.Api.Management;
using Pipeline.Audit.Model;
using Pipeline.Functions.Operations;
using Pipeline.Orchestration.Audit;
using Pipeline.Storage;

namespace Pipeline.Functions.Audit;

/// <summary>Thin Azure Functions triggers over the shared audit handlers, orchestrator and activity.</summary>
public sealed class AuditFunctions(IDocumentStore store, RunRepositoryAuditActivity activity)
{
    [Function("AuditStart")]
    public Task<IResult> Start(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "audit")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        AuditHandlers.StartAsync(req, client, req.HttpContext.RequestAborted, DurablePayloads.For(client, req, ManagedOperation.Audit));

    [Function("AuditList")]
    public Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.ListAsync(req, client, ManagedOperation.Audit);

    [Function("AuditStatus")]
    public Task<IResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit/{id}")] HttpRequest req,
        string id,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.StatusAsync(req, client, ManagedOperation.Audit, id);

    [Function("AuditReport")]
    public Task<IResult> Report([HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit/{id}/report")] HttpRequest req, string id) =>
        AuditHandlers.GetReportAsync(id, store, req.HttpContext.RequestAborted);

    [Function("AuditChart")]
    public Task<IResult> Chart(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit/{id}/charts/{name}")] HttpRequest req,
        string id,
        string name) =>
        AuditHandlers.GetChartAsync(id, name, store, req.HttpContext.RequestAborted);

    [Function("AuditDashboard")]
    public IResult Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/audit")] HttpRequest req) =>
        AuditHandlers.Dashboard();

    [Function(nameof(AuditRepositoryOrchestrator))]
    public Task<AuditJobResult> AuditRepositoryOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new AuditRepositoryOrchestrator().RunAsync(context, context.GetInput<AuditRequest>()!);

    [Function(nameof(RunRepositoryAuditActivity))]
    public Task<AuditJobResult> RunRepositoryAuditActivity([ActivityTrigger] AuditJob input) => activity.ExecuteAsync(input);
}
