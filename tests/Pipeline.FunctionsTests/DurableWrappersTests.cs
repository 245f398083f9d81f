using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Orchestration;

namespace Pipeline.FunctionsTests;

/// <summary>The Functions app's [OrchestrationTrigger]/[ActivityTrigger] wrappers are exactly <see cref="PipelineDurable.Tasks"/>:
/// same names, kinds, activity input types and output types. A task added to the list without a wrapper (or a wrapper
/// with another input) works on the worker and fails in Azure; this test fails first.</summary>
public sealed class DurableWrappersTests
{
    private sealed record Wrapper(string Name, DurableTaskKind Kind, Type? InputType, Type OutputType, string Method);

    private static List<Wrapper> Wrappers()
    {
        var result = new List<Wrapper>();
        foreach (var method in FunctionsApp.FunctionMethods())
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
            foreach (var parameter in method.GetParameters())
            {
                if (parameter.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null)
                {
                    result.Add(new Wrapper(name, DurableTaskKind.Orchestrator, null, FunctionsApp.ResultType(method), method.Name));
                }
                else if (parameter.GetCustomAttribute<ActivityTriggerAttribute>() is not null)
                {
                    result.Add(new Wrapper(name, DurableTaskKind.Activity, parameter.ParameterType, FunctionsApp.ResultType(method), method.Name));
                }
            }
        }
        return result;
    }

    [Fact]
    public void Every_declared_task_has_one_wrapper_and_every_wrapper_is_declared()
    {
        var wrappers = Wrappers();
        Assert.True(wrappers.Count >= 20, $"found only {wrappers.Count} durable wrappers");
        var declared = PipelineDurable.Tasks.Select(t => $"{t.Kind} {t.Name}").Order(StringComparer.Ordinal).ToList();
        var wrapped = wrappers.Select(w => $"{w.Kind} {w.Name}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(declared, wrapped);
    }

    [Fact]
    public void Wrappers_have_the_declared_input_and_output_types()
    {
        var byName = PipelineDurable.Tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var wrapper in Wrappers())
        {
            if (!byName.TryGetValue(wrapper.Name, out var task))
            {
                continue; // reported above
            }
            if (wrapper.OutputType != task.OutputType)
            {
                problems.Add($"{wrapper.Method}: returns {wrapper.OutputType.Name}, {task.Name} returns {task.OutputType.Name}");
            }
            // Orchestrator wrappers read their input with ctx.GetInput<T>() and pass it to RunAsync(ctx, T): the compiler
            // holds T to the orchestrator's input type. Activity inputs are the trigger parameter's type.
            if (wrapper.InputType is not null && wrapper.InputType != task.InputType)
            {
                problems.Add($"{wrapper.Method}: takes {wrapper.InputType.Name}, {task.Name} takes {task.InputType.Name}");
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void The_worker_registers_the_same_list()
    {
        var registry = new Microsoft.DurableTask.DurableTaskRegistry();
        PipelineDurable.Register(registry);
        Assert.Equal(PipelineDurable.Tasks.Count(t => t.Kind == DurableTaskKind.Orchestrator), Count(registry, "Orchestrators"));
        Assert.Equal(PipelineDurable.Tasks.Count(t => t.Kind == DurableTaskKind.Activity), Count(registry, "Activities"));
    }

    private static int Count(Microsoft.DurableTask.DurableTaskRegistry registry, string property) =>
        ((System.Collections.IEnumerable)typeof(Microsoft.DurableTask.DurableTaskRegistry)
            .GetProperty(property, BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance)!.GetValue(registry)!).Cast<object>().Count();
}
