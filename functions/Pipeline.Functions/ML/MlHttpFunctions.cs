using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Api.Management;
using Pipeline.Api.Models;
using Pipeline.Api.Predict;
using Pipeline.Functions.Operations;
using Pipeline.ML;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;

namespace Pipeline.Functions.ML;

/// <summary>HTTP triggers of the ML API: thin wrappers over the shared handlers. Predict and model-changing routes need a function key.</summary>
public sealed class MlHttpFunctions(PredictionService predictions, ModelRegistry registry, ModelMonitor monitor, IOptions<MlOptions> options,
    Pipeline.ML.Training.TrainingRunStore runs, Pipeline.Storage.IDocumentStore store)
{
    [Function("PredictIssue")]
    public Task<IResult> PredictIssue([HttpTrigger(AuthorizationLevel.Function, "post", Route = "predict/issue")] HttpRequest req) =>
        PredictHandlers.PredictIssueAsync(req, predictions, options);

    [Function("PredictIssues")]
    public Task<IResult> PredictIssues([HttpTrigger(AuthorizationLevel.Function, "post", Route = "predict/issues")] HttpRequest req) =>
        PredictHandlers.PredictIssuesAsync(req, predictions, options);

    [Function("ListModels")]
    public Task<IResult> ListModels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest req) =>
        ModelHandlers.ListModelsAsync(registry, predictions, req.HttpContext.RequestAborted);

    [Function("GetModel")]
    public Task<IResult> GetModel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}")] HttpRequest req, string name) =>
        ModelHandlers.GetModelAsync(name, registry, predictions, req.HttpContext.RequestAborted);

    [Function("GetModelVersion")]
    public Task<IResult> GetModelVersion([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version:int}")] HttpRequest req, string name, int version) =>
        ModelHandlers.GetVersionAsync(name, version, registry, req.HttpContext.RequestAborted);

    [Function("GetModelMonitorReports")]
    public Task<IResult> GetModelMonitorReports([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/monitor")] HttpRequest req, string name) =>
        ModelHandlers.GetMonitorReportsAsync(name, monitor, req.HttpContext.RequestAborted);

    [Function("SetModelChampion")]
    public Task<IResult> SetModelChampion([HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/aliases/champion")] HttpRequest req, string name) =>
        ModelHandlers.SetChampionAsync(req, name, registry, predictions, req.HttpContext.RequestAborted);

    [Function("RetrainModel")]
    public Task<IResult> RetrainModel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/retrain")] HttpRequest req,
        string name,
        [DurableClient] DurableTaskClient client) =>
        ModelHandlers.RetrainAsync(req, name, client, store, options, req.HttpContext.RequestAborted,
            ManagedOperation.RetrainOf(name) is { } op ? DurablePayloads.For(client, req, op) : null);

    [Function("GetModelRunsDashboard")]
    public IResult GetModelRunsDashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/runs")] HttpRequest req) =>
        Pipeline.Api.Dashboard.DashboardHandlers.GetPage(req, "runs.html");

    [Function("GetModelDriftDashboard")]
    public IResult GetModelDriftDashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/drift")] HttpRequest req) =>
        Pipeline.Api.Dashboard.DashboardHandlers.GetPage(req, "drift.html");

    [Function("ListModelRuns")]
    public Task<IResult> ListModelRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/runs")] HttpRequest req, string name) =>
        ModelHandlers.ListRunsAsync(req, name, runs, req.HttpContext.RequestAborted);

    [Function("GetModelRun")]
    public Task<IResult> GetModelRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/runs/{id}")] HttpRequest req, string name, string id) =>
        ModelHandlers.GetRunAsync(name, id, runs, req.HttpContext.RequestAborted);

    [Function("GetRetrainRun")]
    public Task<IResult> GetRetrainRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/retrain/{instanceId}")] HttpRequest req,
        string name,
        string instanceId,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.For(ManagedOperation.RetrainOf(name), op => ManagementHandlers.StatusAsync(req, client, op, instanceId));
}
