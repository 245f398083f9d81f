using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace Pipeline.Notifications;

/// <summary>Checks <see cref="AlertsOptions"/> at start-up; each message names the offending key.</summary>
internal sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return ValidateOptionsResult.Success;
        }
        const string s = AlertsOptions.SectionName + ":Smtp";
        var errors = new List<string>();
        if (smtp.Port is < 1 or > 65535) errors.Add($"{s}:Port must be between 1 and 65535");
        if (!SmtpSecurity.TryParse(smtp.Security, out _))
            errors.Add($"{s}:Security '{smtp.Security}' is not one of Auto, None, StartTls, SslOnConnect");
        if (!IsAddress(smtp.From)) errors.Add($"{s}:From is required when {s}:Host is set (an e-mail address such as pipeline@example.com)");
        if (smtp.Recipients.Count == 0) errors.Add($"{s}:To needs at least one recipient when {s}:Host is set ({s}:To:0)");
        for (var i = 0; i < smtp.To.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(smtp.To[i]) && !IsAddress(smtp.To[i].Trim()))
                errors.Add($"{s}:To:{i} '{smtp.To[i]}' is not an e-mail address");
        }
        if (string.IsNullOrEmpty(smtp.Username) != string.IsNullOrEmpty(smtp.Password))
            errors.Add($"{s}:Username and {s}:Password are set together or not at all");
        if (smtp.TimeoutSeconds is < 1 or > 300) errors.Add($"{s}:TimeoutSeconds must be between 1 and 300");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsAddress(string value) => MailAddress.TryCreate(value, out _);
}
