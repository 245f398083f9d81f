using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Stage 5: gate decision and registration as a new version (champion or challenger).</summary>
public sealed class GateAndRegisterActivity(TrainingPipeline training) : PipelineActivity<RegistrationRequest, RegisteredVersion>
{
    public override async Task<RegisteredVersion> ExecuteAsync(RegistrationRequest input)
    {
        var v = await training.GateAndRegisterAsync(input);
        return new RegisteredVersion(v.Name, v.Version, v.Gate.Decision, v.Gate.Reason, v.TestMetrics, v.Trainer);
    }
}
