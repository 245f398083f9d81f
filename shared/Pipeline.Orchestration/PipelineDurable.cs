using Microsoft.DurableTask;

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
    }
}
