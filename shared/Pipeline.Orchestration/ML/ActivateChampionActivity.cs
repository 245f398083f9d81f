using Pipeline.ML.Serving;

namespace Pipeline.Orchestration.ML;

/// <summary>Stage 6: hot-swap the serving model in this instance (other instances follow within Ml:Serving:ChampionRefreshSeconds).</summary>
public sealed class ActivateChampionActivity(PredictionService predictions) : PipelineActivity<ActivateInput, int?>
{
    public override async Task<int?> ExecuteAsync(ActivateInput input)
    {
        await predictions.RefreshAsync();
        return predictions.ServingVersion(input.Model);
    }
}
