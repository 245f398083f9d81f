using Pipeline.ML.Monitoring;

namespace Pipeline.Orchestration.ML;

/// <summary>Joins logged predictions with ground truth that arrived since the last pass.</summary>
public sealed class ResolveOutcomesActivity(ContinuousEvaluator evaluator) : PipelineActivity<int, int>
{
    public override async Task<int> ExecuteAsync(int input) => (await evaluator.ResolvePendingAsync()).Resolved;
}
