using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Consumer;
using Pipeline.ServiceDefaults;

namespace Pipeline.Ingestion.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Kafka options (section <c>Kafka</c>, validated at start), the shared idempotent producer, the
    /// <see cref="IEventPublisher"/> and the <see cref="DeadLetterPublisher"/>. Both hosts call this; only the consumer
    /// deployment (and the local host) also calls <see cref="AddPipelineConsumer"/>.
    /// </summary>
    public static IServiceCollection AddPipelineKafka(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>());
        services.TryAddSingleton<ClientConfigFactory>();
        services.TryAddSingleton<KafkaProducerHost>();
        services.TryAddSingleton<KafkaEventPublisher>();
        services.TryAddSingleton<IEventPublisher>(sp => sp.GetRequiredService<KafkaEventPublisher>());
        services.TryAddSingleton<DeadLetterPublisher>();
        services.TryAddSingleton<KafkaHealthProbe>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, KafkaProbe>());
        return services;
    }

    /// <summary>The hosted consumer (<see cref="EventConsumerService"/>), its status tracker and probe. Its downstream is
    /// <see cref="ConsumerDownstream"/>: the store's <see cref="Pipeline.Storage.IEventSink"/> (AddPipelineStore) first, then the
    /// <see cref="IEventBatchHandler"/>s modules add with <see cref="EventBatchHandlerRegistration.AddEventBatchHandler{THandler}"/>.
    /// Needs <see cref="AddPipelineKafka"/>.</summary>
    public static IServiceCollection AddPipelineConsumer(this IServiceCollection services)
    {
        services.TryAddSingleton<ConsumerStatusTracker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, ConsumerProbe>());
        services.TryAddSingleton<ConsumerDownstream>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<EventConsumerService>(sp, (Pipeline.Storage.IEventSink)sp.GetRequiredService<ConsumerDownstream>()));
        services.AddHostedService(sp => sp.GetRequiredService<EventConsumerService>());
        return services;
    }
}
