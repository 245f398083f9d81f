using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.ServiceDefaults;

/// <summary>
/// Lets several compositions in one process share a module: the local launcher adds the HTTP app, the consumer and the
/// durable worker, and each needs the store, Kafka and ML. A module's Add… binds its options; binding twice would append
/// list settings twice, so every composition adds a shared module through <see cref="AddOnce"/>.
/// </summary>
public static class CompositionOnce
{
    /// <summary>Runs <paramref name="add"/> unless a composition in this service collection already added <paramref name="module"/>.</summary>
    public static IServiceCollection AddOnce(this IServiceCollection services, string module, Action<IServiceCollection> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (services.Any(d => d.ServiceType == typeof(AddedModule) && d.ImplementationInstance is AddedModule m && m.Name == module))
        {
            return services;
        }
        services.AddSingleton(new AddedModule(module));
        add(services);
        return services;
    }

    private sealed record AddedModule(string Name);
}
