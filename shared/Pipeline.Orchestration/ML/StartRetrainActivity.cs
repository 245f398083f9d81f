namespace Pipeline.Orchestration.ML;

/// <summary>Starts a retrain through <see cref="RetrainStarter"/> (single-flight): the monitor's way to retrain.</summary>
internal sealed class StartRetrainActivity(Microsoft.DurableTask.Client.DurableTaskClient client, Pipeline.Storage.IDocumentStore store,
    Microsoft.Extensions.Options.IOptions<Pipeline.ML.MlOptions> options) : PipelineActivity<StartRetrainInput, RetrainStart>
{
    public override Task<RetrainStart> ExecuteAsync(StartRetrainInput input) =>
        RetrainStarter.StartAsync(client, store, options.Value, input.Model, input.Reason, input.Trigger);
}
