// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Microsoft.DurableTask;

namespace Pipeline.Orchestration.Audit;

/// <summary>The audit orchestrator and activity, declared once (see <see cref="PipelineDurable"/>).</summary>
internal static class AuditDurable
{
    public static IReadOnlyList<DurableTaskDeclaration> Tasks { get; } =
    [
        DurableTaskDeclaration.Orchestrator<AuditRepositoryOrchestrator>(),
        DurableTaskDeclaration.Activity<RunRepositoryAuditActivity>(),
    ];

    public static void Register(DurableTaskRegistry registry) => PipelineDurable.Register(registry, Tasks);
}
