using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Ingestion.Consumer;
using Pipeline.ServiceDefaults;

namespace Pipeline.ML.Serving;

/// <summary>The ML module's subscription to the consumer's batches.</summary>
public static class PredictionBatchHandlerRegistration
{
    /// <summary>
    /// When <c>Ml:LogPredictionsForOpenedIssues</c> is on (the default), adds ML serving and the <c>predictions</c> batch
    /// handler after the store; when off, the consumer registers no ML at all. Call after <c>AddPipelineConsumer</c>.
    /// </summary>
    public static IServiceCollection AddPipelinePredictionLogging(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(MlOptions.SectionName).Get<MlOptions>() ?? new MlOptions();
        if (!options.LogPredictionsForOpenedIssues)
        {
            return services;
        }
        services.AddOnce("ml", s => s.AddPipelineMl(configuration));
        services.AddEventBatchHandler<PredictionBatchHandler>();
        return services;
    }
}
