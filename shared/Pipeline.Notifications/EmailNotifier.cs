using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Pipeline.Notifications;

/// <summary>
/// Tells the administrator what happened: every notification is logged, and e-mailed through SMTP (MailKit) when
/// <c>Alerts:Smtp:Host</c> is set and its kind is switched on. Never throws: a mail relay that is down must not fail the
/// orchestration that reports on its own work.
/// </summary>
public sealed partial class EmailNotifier(IOptions<AlertsOptions> options, ILogger<EmailNotifier> logger)
{
    public async Task<NotificationResult> NotifyAsync(Notification notification, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        LogNotification(notification.Kind, notification.Severity, notification.Subject);
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Smtp.Host) || !o.Email.IsEnabled(notification.Kind))
        {
            return NotificationResult.LoggedOnly;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(o.Smtp.TimeoutSeconds));
            await SendAsync(o.Smtp, Compose(o.Smtp, notification), timeout.Token).ConfigureAwait(false);
            LogSent(notification.Kind, o.Smtp.Recipients.Count, o.Smtp.Host);
            return NotificationResult.Sent;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFailed(ex, notification.Kind, o.Smtp.Host, o.Smtp.Port);
            return NotificationResult.Failed;
        }
    }

    /// <summary>The message as sent: "[Pipeline] [severity] subject", a plain-text body of the lines, a kind header for filters.</summary>
    internal static MimeMessage Compose(SmtpOptions smtp, Notification notification)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var to in smtp.Recipients)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }
        message.Subject = $"[Pipeline] [{notification.Severity}] {notification.Subject}";
        message.Date = new DateTimeOffset(DateTime.SpecifyKind(notification.At, DateTimeKind.Utc));
        message.Headers.Add("X-Pipeline-Notification", notification.Kind.ToString());
        var body = string.Join("\n", notification.Lines.Select(l => "- " + l));
        message.Body = new TextPart("plain") { Text = $"{notification.Subject}\n\n{body}\n\nAt {notification.At:u} ({notification.Kind}).\n" };
        return message;
    }

    private static async Task SendAsync(SmtpOptions smtp, MimeMessage message, CancellationToken ct)
    {
        SmtpSecurity.TryParse(smtp.Security, out var security);
        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        await client.ConnectAsync(smtp.Host, smtp.Port, security, ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password, ct).ConfigureAwait(false);
        }
        await client.SendAsync(message, ct).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, ct).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4501, Level = LogLevel.Warning, Message = "NOTIFY {Kind} [{Severity}] {Subject}")]
    private partial void LogNotification(NotificationKind kind, string severity, string subject);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Information, Message = "E-mailed {Kind} notification to {Recipients} recipient(s) via {Host}")]
    private partial void LogSent(NotificationKind kind, int recipients, string host);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Warning, Message = "Could not e-mail {Kind} notification via {Host}:{Port}")]
    private partial void LogFailed(Exception exception, NotificationKind kind, string host, int port);
}
