using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Joins logged predictions with ground truth that arrived since the last pass.</summary>
public sealed class ResolveOutcomesActivity(ContinuousEvaluator evaluator) : PipelineActivity<int, int>
{
    public override async Task<int> ExecuteAsync(int input) => (await evaluator.ResolvePendingAsync()).Resolved;
}
