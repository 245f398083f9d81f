using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.Orchestration;

/// <summary>
/// One durable task, declared once in its module's list (<c>AnalyticsDurable.Tasks</c>, <c>MlDurable.Tasks</c>, ...; all of
/// them in <see cref="PipelineDurable.Tasks"/>). The Durable Task worker registers from it, activities are added to DI from
/// it, and a test holds the Functions app's [OrchestrationTrigger]/[ActivityTrigger] wrappers to it: same names, same
/// input and output types. The name is the class name.
/// </summary>
internal sealed record DurableTaskDeclaration(DurableTaskKind Kind, Type Type, Type InputType, Type OutputType)
{
    public string Name => Type.Name;

    public static DurableTaskDeclaration Orchestrator<T>() where T : class, ITaskOrchestrator =>
        Declare(DurableTaskKind.Orchestrator, typeof(T), typeof(TaskOrchestrator<,>));

    public static DurableTaskDeclaration Activity<T>() where T : class, ITaskActivity =>
        Declare(DurableTaskKind.Activity, typeof(T), typeof(TaskActivity<,>));

    /// <summary>Adds this task to a Durable Task worker's registry.</summary>
    public void AddTo(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (Kind == DurableTaskKind.Orchestrator)
        {
            registry.AddOrchestrator(Type);
        }
        else
        {
            registry.AddActivity(Type);
        }
    }

    /// <summary>An activity as a transient DI service (the Functions wrappers resolve it and call ExecuteAsync).</summary>
    public void AddServiceTo(IServiceCollection services)
    {
        if (Kind == DurableTaskKind.Activity)
        {
            services.TryAddTransient(Type);
        }
    }

    private static DurableTaskDeclaration Declare(DurableTaskKind kind, Type type, Type generic)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == generic)
            {
                var args = t.GetGenericArguments();
                return new DurableTaskDeclaration(kind, type, args[0], args[1]);
            }
        }
        throw new ArgumentException($"{type.Name} does not derive from {generic.Name}", nameof(type));
    }
}
