using Pipeline.Notifications;

namespace Pipeline.Orchestration.Notifications;

/// <summary>
/// Tells the administrator how a run ended (backfill, retrain) or that the gate rejected a challenger: logged always,
/// e-mailed per <c>Alerts:Email:*</c>. An activity because orchestrators do no I/O; it never fails the orchestration
/// that calls it (the notifier swallows and logs SMTP errors).
/// </summary>
public sealed class NotifyAdministratorActivity(EmailNotifier notifier) : PipelineActivity<Notification, NotificationResult>
{
    public override Task<NotificationResult> ExecuteAsync(Notification input) => notifier.NotifyAsync(input);
}

/// <summary>How orchestrators notify: best effort, so a notification that cannot be sent (or a host that does not register
/// the activity) never fails the run it reports on.</summary>
public static class AdministratorNotifications
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
