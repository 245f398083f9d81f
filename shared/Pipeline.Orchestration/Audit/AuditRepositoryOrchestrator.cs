using Microsoft.DurableTask;
using Pipeline.Audit.Model;

namespace Pipeline.Orchestration.Audit;

/// <summary>
/// Audits a repository in the background (large histories take longer than an HTTP request should): one activity runs the
/// audit and stores the report under the instance id. Not retried: bad input and an unreachable clone URL fail the same way
/// twice; the failure message is what GET /api/audit/{id} shows.
/// </summary>
public sealed class AuditRepositoryOrchestrator : TaskOrchestrator<AuditRequest, AuditJobResult>
{
    public override async Task<AuditJobResult> RunAsync(TaskOrchestrationContext context, AuditRequest input)
    {
        context.SetCustomStatus("auditing");
        var result = await context.CallActivityAsync<AuditJobResult>(nameof(RunRepositoryAuditActivity), new AuditJob(context.InstanceId, input));
        context.SetCustomStatus("stored");
        return result;
    }
}
