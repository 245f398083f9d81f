using Microsoft.DurableTask;

namespace Pipeline.Orchestration;

/// <summary>
/// Base of every activity. The work lives in <see cref="ExecuteAsync"/>, which needs no Durable Task context,
/// so the same class runs on the local host's Durable Task worker (through <see cref="TaskActivity{TInput,TOutput}"/>)
/// and inside an Azure Functions <c>[ActivityTrigger]</c> wrapper that resolves it from DI and calls ExecuteAsync.
/// </summary>
public abstract class PipelineActivity<TInput, TOutput> : TaskActivity<TInput, TOutput>
{
    public sealed override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => ExecuteAsync(input);

    public abstract Task<TOutput> ExecuteAsync(TInput input);
}
