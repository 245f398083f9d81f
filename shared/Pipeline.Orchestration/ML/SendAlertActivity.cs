using Pipeline.ML.Monitoring;

namespace Pipeline.Orchestration.ML;

/// <summary>Logs a monitoring incident, posts it to Ml:Monitor:AlertWebhookUrl and e-mails it (Alerts:Email:Drift).</summary>
public sealed class SendAlertActivity(AlertSender alerts, Pipeline.Notifications.EmailNotifier email) : PipelineActivity<MlAlert, bool>
{
    public override async Task<bool> ExecuteAsync(MlAlert input)
    {
        var posted = await alerts.SendAsync(input);
        var mailed = await email.NotifyAsync(new Pipeline.Notifications.Notification(Pipeline.Notifications.NotificationKind.Drift,
            $"{input.Model}: {input.Title}", [.. input.Reasons, .. input.ReportId is null ? Array.Empty<string>() : [$"report {input.ReportId}"]],
            input.Severity, input.At));
        return posted || mailed == Pipeline.Notifications.NotificationResult.Sent;
    }
}
