using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Api.Operations;

namespace Pipeline.Functions.Operations;

public sealed class OperationsFunctions(HealthService health)
{
    [Function("Health")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req)
        => OperationsEndpoints.Health(health, req.HttpContext.RequestAborted);

    [Function("Metrics")]
    public async Task Metrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics")] HttpRequest req)
        => await OperationsEndpoints.Metrics(req.HttpContext);
}
