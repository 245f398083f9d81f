using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Ingestion.Consumer;

/// <summary>How a module subscribes to the consumer's batches.</summary>
public static class EventBatchHandlerRegistration
{
    /// <summary>Appends <typeparamref name="THandler"/> to the consumer's downstream; handlers run in registration order,
    /// after the store.</summary>
    public static IServiceCollection AddEventBatchHandler<THandler>(this IServiceCollection services)
        where THandler : class, IEventBatchHandler
    {
        services.AddSingleton<IEventBatchHandler, THandler>();
        return services;
    }
}
