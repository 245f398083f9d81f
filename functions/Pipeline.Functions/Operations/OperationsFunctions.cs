using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Api.Operations;
using Pipeline.ServiceDefaults;

namespace Pipeline.Functions.Operations;

public sealed class OperationsFunctions(HealthService health, IngestionStatusService ingestion)
{
    [Function("Health")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req)
        => OperationsDefaults.Health(health, req.HttpContext.RequestAborted);

    [Function("HealthReady")]
    public Task<IResult> HealthReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequest req)
        => OperationsDefaults.Health(health, req.HttpContext.RequestAborted);

    [Function("HealthLive")]
    public Task<IResult> HealthLive([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest req)
        => OperationsDefaults.Live(health, req.HttpContext.RequestAborted);

    [Function("Metrics")]
    public async Task Metrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics")] HttpRequest req)
        => await OperationsDefaults.Metrics(req.HttpContext);

    [Function("IngestionStatus")]
    public Task<IResult> IngestionStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ingestion/status")] HttpRequest req)
        => IngestionStatusService.Handle(ingestion, req.HttpContext.RequestAborted);
}
