using Microsoft.DurableTask;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Audit;
using Pipeline.Orchestration.Backfill;
using Pipeline.Orchestration.ML;
using Pipeline.Orchestration.Notifications;

namespace Pipeline.Orchestration;

/// <summary>
/// The one place every orchestrator and activity is registered. The local host's Durable Task worker calls it;
/// the Azure Functions app exposes the same classes through thin [OrchestrationTrigger]/[ActivityTrigger] wrappers.
/// </summary>
public static class PipelineDurable
{
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        AnalyticsDurable.Register(registry);
        MlDurable.Register(registry);
        AuditDurable.Register(registry);
        BackfillDurable.Register(registry);
        registry.AddActivity<NotifyAdministratorActivity>();
    }
}
