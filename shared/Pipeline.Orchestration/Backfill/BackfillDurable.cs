using Microsoft.DurableTask;

namespace Pipeline.Orchestration.Backfill;

/// <summary>The backfill's orchestrator and activity, declared once (see <see cref="PipelineDurable"/>).</summary>
internal static class BackfillDurable
{
    public static IReadOnlyList<DurableTaskDeclaration> Tasks { get; } =
    [
        DurableTaskDeclaration.Orchestrator<BackfillOrchestrator>(),
        DurableTaskDeclaration.Activity<ImportArchiveFileActivity>(),
    ];

    public static void Register(DurableTaskRegistry registry) => PipelineDurable.Register(registry, Tasks);
}
