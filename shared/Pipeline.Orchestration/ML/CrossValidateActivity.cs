using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Stage 2: k-fold cross-validation over the trainer × hyperparameter × featurizer grid, within the time budget.</summary>
public sealed class CrossValidateActivity(TrainingPipeline training) : PipelineActivity<DatasetRef, CrossValidationResult>
{
    public override Task<CrossValidationResult> ExecuteAsync(DatasetRef input) => training.CrossValidateAsync(input);
}
