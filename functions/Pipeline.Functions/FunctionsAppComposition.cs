using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Pipeline.Api;

namespace Pipeline.Functions;

/// <summary>
/// The Functions app's composition: the HTTP app's services (Pipeline.Api, which brings the durable tasks' services:
/// the [ActivityTrigger] wrappers resolve the activities from DI; and the scheduled jobs the timers run) and nothing else.
/// The Functions host provides the durable backend and the timers; the Kafka consumer runs in functions/Pipeline.Worker.
/// </summary>
internal static class FunctionsAppComposition
{
    /// <summary>The builder Program.cs runs (tests build the same host, with <paramref name="settings"/> layered last).</summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddFunctionsApp(builder.Configuration);
        // The worker's OpenTelemetry defaults: function invocation spans and the host's trace context (AddFunctionsApp adds the rest).
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        return builder;
    }

    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration) =>
        services.AddPipelineHttpApi(configuration);
}
