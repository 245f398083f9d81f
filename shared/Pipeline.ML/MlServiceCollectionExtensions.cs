using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.ML;

public static class MlServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ML lifecycle: options (section <c>Ml</c>, validated at start), registry over the document store and
    /// blob storage, training pipeline, prediction service with its background log writer, continuous evaluation,
    /// monitor, alerts, the champion refresher and <see cref="MlBootstrapper"/>. Needs an <c>IDocumentStore</c> registered
    /// (AddPipelineStore) and a blob connection (<c>Ml:BlobConnectionString</c> or <c>AzureWebJobsStorage</c>).
    /// </summary>
    public static IServiceCollection AddPipelineMl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MlOptions>()
            .Bind(configuration.GetSection(MlOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.BlobConnectionString)) o.BlobConnectionString = configuration["AzureWebJobsStorage"];
                if (string.IsNullOrWhiteSpace(o.ApiKey)) o.ApiKey = configuration["Api:Key"];
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MlOptions>, MlOptionsValidator>();
        services.AddSingleton<IValidateOptions<MlOptions>, BlobConnectionValidator>();
        foreach (var definition in MlCollections.Definitions) services.AddSingleton(definition);
        services.AddSingleton<MlMetrics>();
        services.AddSingleton<IModelArtifactStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MlOptions>>().Value;
            return new BlobModelArtifactStore(o.BlobConnectionString!, o.ArtifactsContainer);
        });
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<IssueDatasetBuilder>();
        services.AddSingleton<TrainingPipeline>();
        services.AddSingleton<TrainingRunStore>();
        services.AddSingleton<HistoryFeatureCache>();
        services.AddSingleton<PredictionLog>();
        services.AddSingleton<PredictionLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLogWriter>());
        services.AddSingleton<PredictionService>();
        services.AddSingleton<ContinuousEvaluator>();
        services.AddSingleton<ModelMonitor>();
        services.AddSingleton(sp => new AlertSender(new HttpClient(), sp.GetRequiredService<IOptions<MlOptions>>(), sp.GetRequiredService<MlMetrics>(),
            sp.GetRequiredService<ILogger<AlertSender>>()));
        services.AddSingleton<MlBootstrapper>();
        services.AddHostedService<ChampionRefresher>();
        return services;
    }

    private sealed class BlobConnectionValidator : IValidateOptions<MlOptions>
    {
        public ValidateOptionsResult Validate(string? name, MlOptions o) => string.IsNullOrWhiteSpace(o.BlobConnectionString)
            ? ValidateOptionsResult.Fail("Ml:BlobConnectionString is required (or set AzureWebJobsStorage)")
            : ValidateOptionsResult.Success;
    }
}
