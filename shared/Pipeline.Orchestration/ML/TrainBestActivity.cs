using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Stage 3: fit the best candidate on all training rows and stage the artifact.</summary>
public sealed class TrainBestActivity(TrainingPipeline training) : PipelineActivity<TrainBestInput, TrainedRef>
{
    public override Task<TrainedRef> ExecuteAsync(TrainBestInput input) => training.TrainBestAsync(input.Dataset, input.Candidate, input.RunId);
}
