using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Pipeline.ServiceDefaults;

namespace Pipeline.Ingestion.Kafka;

/// <summary>The OpenTelemetry defaults with the ingestion path's spans and meters, once per process whatever adds it.</summary>
public static class IngestionTelemetry
{
    public static IServiceCollection AddPipelineIngestionTelemetry(this IServiceCollection services, IConfiguration configuration,
        Action<TracerProviderBuilder>? tracing = null) =>
        services.AddOnce("telemetry", s => s.AddPipelineTelemetry(configuration, [KafkaTraceContext.ActivitySourceName], [KafkaMetrics.MeterName], tracing));
}
