using MailKit.Security;

namespace Pipeline.Notifications;

/// <summary>Maps the <c>Alerts:Smtp:Security</c> words onto MailKit's socket options.</summary>
internal static class SmtpSecurity
{
    public static bool TryParse(string? value, out SecureSocketOptions options)
    {
        options = (value ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "auto" => SecureSocketOptions.Auto,
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "sslonconnect" or "ssl" or "tls" => SecureSocketOptions.SslOnConnect,
            _ => (SecureSocketOptions)(-1),
        };
        return (int)options >= 0;
    }
}
