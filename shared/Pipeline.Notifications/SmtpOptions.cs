namespace Pipeline.Notifications;

/// <summary>Section <c>Alerts:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>SMTP server host name; empty disables e-mail (notifications are still logged).</summary>
    public string Host { get; set; } = "";

    /// <summary>SMTP port: 587 (submission with STARTTLS) by default; 465 for implicit TLS; 25 or 1025 for a local relay.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Auto (STARTTLS when offered), None, StartTls (required) or SslOnConnect (implicit TLS).</summary>
    public string Security { get; set; } = "Auto";

    /// <summary>User name for SMTP AUTH; empty sends without authenticating.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password for SMTP AUTH (a secret: environment variable or Key Vault reference, never the repository).</summary>
    public string Password { get; set; } = "";

    /// <summary>The sender address, e.g. <c>pipeline@example.com</c>.</summary>
    public string From { get; set; } = "";

    /// <summary>Recipients (<c>Alerts__Smtp__To__0=admin@example.com</c>); blank entries (as in the sample settings) are ignored.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>The recipients that are set.</summary>
    public IReadOnlyList<string> Recipients => To.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList();

    /// <summary>Give up on one message after this many seconds (a slow relay never stalls an orchestration).</summary>
    public int TimeoutSeconds { get; set; } = 15;
}
