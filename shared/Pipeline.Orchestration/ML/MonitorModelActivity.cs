using Pipeline.ML.Monitoring;

namespace Pipeline.Orchestration.ML;

/// <summary>Live metrics and drift of one model; claims the retrain slot when needed (cool-down applies).</summary>
public sealed class MonitorModelActivity(ModelMonitor monitor) : PipelineActivity<string, MonitorSummary>
{
    public override async Task<MonitorSummary> ExecuteAsync(string input)
    {
        var r = await monitor.RunAsync(input);
        return new MonitorSummary(r.Model, r.Id, r.ChampionVersion, r.LiveSamples, r.DriftStatus, r.RetrainRecommended, r.RetrainStarted, r.Reasons)
        {
            NewIncident = r.NewIncident,
        };
    }
}
