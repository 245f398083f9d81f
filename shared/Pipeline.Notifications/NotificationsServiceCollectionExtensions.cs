using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>The administrator notifier (<c>Alerts</c> section, validated at start-up).</summary>
    public static IServiceCollection AddPipelineNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>());
        services.TryAddSingleton<EmailNotifier>();
        return services;
    }
}
