using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pipeline.ServiceDefaults;

/// <summary>
/// Traces and metrics through the OpenTelemetry SDK, the same in every host: ASP.NET Core, HttpClient and Npgsql
/// instrumentation, plus the activity sources and meters each host names (the Kafka path's spans — relay publish, consumer
/// process, store write — and its meters, from Pipeline.Ingestion).
/// Export is OTLP, configured the standard way: it is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol,
/// headers and service name from the other <c>OTEL_*</c> variables). JSON console logs are .NET's own setting:
/// <c>Logging__Console__FormatterName=json</c>.
/// </summary>
public static class PipelineTelemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Service name reported when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "pipeline";

    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration, IReadOnlyList<string> sources,
        IReadOnlyList<string> meters, Action<TracerProviderBuilder>? tracing = null)
    {
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? DefaultServiceName))
            .WithTracing(t =>
            {
                t.AddSource([.. sources])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                tracing?.Invoke(t);
            })
            .WithMetrics(m => m
                .AddMeter([.. meters])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable])) builder.UseOtlpExporter();
        return services;
    }
}
