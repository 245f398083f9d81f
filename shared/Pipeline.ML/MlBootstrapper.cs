using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML;

/// <summary>Start-up: makes sure both models have a champion (training them on first start) and serves them.</summary>
public sealed class MlBootstrapper(
    IDocumentStore store,
    ModelRegistry registry,
    TrainingPipeline training,
    PredictionService predictions,
    IOptions<MlOptions> options,
    ILogger<MlBootstrapper> logger)
{
    /// <summary>
    /// Creates the ML collections, trains every model that has no champion yet (when <c>Ml:TrainAtStartup</c>), and loads
    /// the champions into the prediction service. Returns the version serving per model.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> EnsureChampionsAsync(CancellationToken ct = default)
    {
        await store.EnsureCollectionsAsync(MlCollections.Definitions, ct);
        foreach (var model in ModelNames.All)
        {
            var head = await registry.GetHeadAsync(model, ct);
            if (head?.Champion is not null) continue;
            if (!options.Value.TrainAtStartup)
            {
                MlBootstrapperLog.NoChampionAndNoTrainingAtStartup(logger, model);
                continue;
            }
            MlBootstrapperLog.NoChampionTrainingNow(logger, model);
            var report = await training.RunAsync(model, "bootstrap: no champion at start-up", ct);
            if (report.Version.Gate.Decision != "promoted")
                MlBootstrapperLog.StartupTrainingFailedGate(logger, model, report.Version.Version, report.Version.Gate.Reason);
        }
        await predictions.RefreshAsync(ct);
        return predictions.ServingVersions;
    }
}

/// <summary>The source-generated log messages of MlBootstrapper (event ids: docs/architecture.md).</summary>
internal static partial class MlBootstrapperLog
{
    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "{Model} has no champion and Ml:TrainAtStartup is false; predict returns 503 until it is trained")]
    public static partial void NoChampionAndNoTrainingAtStartup(ILogger logger, string model);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "{Model} has no champion: training it now")]
    public static partial void NoChampionTrainingNow(ILogger logger, string model);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "{Model} v{Version} trained at start-up did not pass the gate: {Reason}")]
    public static partial void StartupTrainingFailedGate(ILogger logger, string model, int version, string reason);
}
