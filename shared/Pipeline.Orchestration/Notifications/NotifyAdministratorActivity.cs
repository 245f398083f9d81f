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
