namespace Pipeline.Notifications;

/// <summary>What became of one notification.</summary>
public enum NotificationResult
{
    /// <summary>Logged only: no SMTP host configured, or this kind is switched off.</summary>
    LoggedOnly,

    /// <summary>Accepted by the SMTP server for every recipient.</summary>
    Sent,

    /// <summary>The SMTP server refused it or could not be reached in time (logged with the reason).</summary>
    Failed,
}
