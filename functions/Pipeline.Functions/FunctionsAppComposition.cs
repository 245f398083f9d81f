using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api;

namespace Pipeline.Functions;

/// <summary>
/// The Functions app's composition: the HTTP app's services (Pipeline.Api, which brings the durable tasks' services:
/// the [ActivityTrigger] wrappers resolve the activities from DI) and nothing else. The Functions host provides the
/// durable backend and the timers; the Kafka consumer runs in functions/Pipeline.Worker.
/// </summary>
internal static class FunctionsAppComposition
{
    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration) =>
        services.AddPipelineHttpApi(configuration);
}
