using Pipeline.Notifications;

namespace Pipeline.Orchestration.Notifications;

/// <summary>How orchestrators notify: best effort, so a notification that cannot be sent (or a host that does not register
/// the activity) never fails the run it reports on.</summary>
internal static class AdministratorNotifications
{
    public static async Task<NotificationResult> NotifyAdministratorAsync(this Microsoft.DurableTask.TaskOrchestrationContext context, Notification notification)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await context.CallActivityAsync<NotificationResult>(nameof(NotifyAdministratorActivity), notification);
        }
        catch (Microsoft.DurableTask.TaskFailedException)
        {
            return NotificationResult.Failed;
        }
    }
}
