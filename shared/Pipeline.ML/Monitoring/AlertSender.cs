using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.ML.Monitoring;

/// <summary>
/// Raises monitoring alerts: always as a warning log, and as a JSON POST to <c>Ml:Monitor:AlertWebhookUrl</c> when set
/// (the body has a <c>text</c> field, which Slack/Teams/Mattermost incoming webhooks display). Never throws.
/// </summary>
public sealed class AlertSender(HttpClient http, IOptions<MlOptions> options, MlMetrics metrics, ILogger<AlertSender> logger)
{
    public async Task<bool> SendAsync(MlAlert alert, CancellationToken ct = default)
    {
        metrics.Alerts.Add(1, new("model", alert.Model), new("severity", alert.Severity));
        AlertSenderLog.MlAlertRaised(logger, alert.Severity, alert.Model, alert.Title, string.Join("; ", alert.Reasons));
        var url = options.Value.Monitor.AlertWebhookUrl;
        if (string.IsNullOrWhiteSpace(url)) return false;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            var body = new
            {
                text = $"[{alert.Severity}] {alert.Model}: {alert.Title}\n- " + string.Join("\n- ", alert.Reasons),
                model = alert.Model,
                severity = alert.Severity,
                title = alert.Title,
                reasons = alert.Reasons,
                report_id = alert.ReportId,
                at = alert.At,
            };
            using var response = await http.PostAsJsonAsync(url, body, cts.Token);
            if (!response.IsSuccessStatusCode) AlertSenderLog.AlertWebhookRefused(logger, (int)response.StatusCode);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            AlertSenderLog.AlertWebhookUnreachable(logger, ex, url);
            return false;
        }
    }
}

/// <summary>The source-generated log messages of AlertSender (event ids: docs/architecture.md).</summary>
internal static partial class AlertSenderLog
{
    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "ML ALERT [{Severity}] {Model}: {Title} — {Reasons}")]
    public static partial void MlAlertRaised(ILogger logger, string severity, string model, string title, string reasons);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Alert webhook answered {Status}")]
    public static partial void AlertWebhookRefused(ILogger logger, int status);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Alert webhook {Url} unreachable")]
    public static partial void AlertWebhookUnreachable(ILogger logger, Exception exception, string url);
}
