using Microsoft.DurableTask;

namespace Pipeline.Orchestration.Audit;

/// <summary>Registers the audit orchestrator and activity under their class names.</summary>
public static class AuditDurable
{
    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<AuditRepositoryOrchestrator>();
        registry.AddActivity<RunRepositoryAuditActivity>();
    }
}
