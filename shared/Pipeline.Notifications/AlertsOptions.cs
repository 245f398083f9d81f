namespace Pipeline.Notifications;

/// <summary>Section <c>Alerts</c>: where administrator e-mails go and which kinds are sent.</summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>The SMTP relay; e-mail is off while <see cref="SmtpOptions.Host"/> is empty.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Which notification kinds are e-mailed.</summary>
    public EmailKindsOptions Email { get; set; } = new();
}
