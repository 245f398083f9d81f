// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
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
