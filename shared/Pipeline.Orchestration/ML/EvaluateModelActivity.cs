using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Stage 4: test-set and slice metrics, drift reference, and the champion measured on the same test set.</summary>
public sealed class EvaluateModelActivity(TrainingPipeline training) : PipelineActivity<EvaluateInput, EvaluationRef>
{
    public override Task<EvaluationRef> ExecuteAsync(EvaluateInput input) => training.EvaluateAsync(input.Dataset, input.Trained);
}
