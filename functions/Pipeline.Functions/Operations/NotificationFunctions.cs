using Microsoft.Azure.Functions.Worker;
using Pipeline.Notifications;
using Pipeline.Orchestration.Notifications;

namespace Pipeline.Functions.Operations;

/// <summary>Durable wrapper of the administrator notification (e-mail) activity.</summary>
public sealed class NotificationFunctions(NotifyAdministratorActivity notify)
{
    [Function(nameof(NotifyAdministratorActivity))]
    public Task<NotificationResult> NotifyAdministratorActivity([ActivityTrigger] Notification input) => notify.ExecuteAsync(input);
}
