using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Stage 1: build the data set from the store (or synthetic), hash it and stage it in blob storage.</summary>
public sealed class BuildDatasetActivity(TrainingPipeline training) : PipelineActivity<RetrainRequest, DatasetRef>
{
    public override Task<DatasetRef> ExecuteAsync(RetrainRequest input) => training.BuildDatasetAsync(input.Model);
}
