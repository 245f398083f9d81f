using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Audit;
using Pipeline.Orchestration.Backfill;
using Pipeline.Orchestration.ML;
using Pipeline.Orchestration.Notifications;

namespace Pipeline.Orchestration;

/// <summary>
/// Every orchestrator and activity of the project: the modules' lists (each declared once, in its *Durable class)
/// concatenated. The worker's Durable Task worker registers from <see cref="Register"/>; the Azure Functions app exposes the
/// same classes through thin [OrchestrationTrigger]/[ActivityTrigger] wrappers, which a test holds to this list.
/// </summary>
public static class PipelineDurable
{
    internal static IReadOnlyList<DurableTaskDeclaration> Tasks { get; } =
        [.. AnalyticsDurable.Tasks, .. MlDurable.Tasks, .. AuditDurable.Tasks, .. BackfillDurable.Tasks, .. NotificationsDurable.Tasks];

    public static void Register(DurableTaskRegistry registry) => Register(registry, Tasks);

    /// <summary>Registers <paramref name="tasks"/> (one module's list, or all) with a Durable Task worker.</summary>
    internal static void Register(DurableTaskRegistry registry, IEnumerable<DurableTaskDeclaration> tasks)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var task in tasks)
        {
            task.AddTo(registry);
        }
    }

    /// <summary>The activities of <paramref name="tasks"/> as transient DI services.</summary>
    internal static IServiceCollection AddActivities(this IServiceCollection services, IEnumerable<DurableTaskDeclaration> tasks)
    {
        foreach (var task in tasks)
        {
            task.AddServiceTo(services);
        }
        return services;
    }
}
