using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Embedded;
using Pipeline.Notifications;

namespace Pipeline.IntegrationTests.Notifications;

/// <summary>E-mail alerts through MailKit against a real SMTP server on loopback.</summary>
public sealed class EmailNotifierTests
{
    private static readonly DateTime At = new(2026, 12, 2, 10, 30, 0, DateTimeKind.Utc);

    private static Notification Drift() => new(NotificationKind.Drift, "time-to-close: drift in 2 features",
        ["body_length: PSI 0.31 > 0.2", "label_count: KS p=0.001 < 0.01"], "warning", At);

    private static EmailNotifier Notifier(Action<AlertsOptions> configure)
    {
        var options = new AlertsOptions();
        configure(options);
        return new EmailNotifier(Options.Create(options), NullLogger<EmailNotifier>.Instance);
    }

    [Fact]
    public async Task Sends_the_notification_to_every_recipient_with_subject_body_and_kind_header()
    {
        await using var smtp = SmtpCapture.Start();
        var notifier = Notifier(o =>
        {
            o.Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "pipeline@example.com", To = ["admin@example.com", "ops@example.com"] };
        });

        var result = await notifier.NotifyAsync(Drift());

        Assert.Equal(NotificationResult.Sent, result);
        var (from, to, message) = Assert.Single(smtp.Messages);
        Assert.Equal("pipeline@example.com", from);
        Assert.Equal(["admin@example.com", "ops@example.com"], to);
        Assert.Equal("[Pipeline] [warning] time-to-close: drift in 2 features", message.Subject);
        Assert.Equal("Drift", message.Headers["X-Pipeline-Notification"]);
        Assert.Contains("- body_length: PSI 0.31 > 0.2", message.TextBody);
        Assert.Contains("- label_count: KS p=0.001 < 0.01", message.TextBody);
    }

    /// <summary>A plain-text SMTP connection to the local capture server that logs in with the given credentials.</summary>
    private static SmtpOptions AuthenticatingAs(string user, string password, int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Security = "None",
        Username = user,
        Password = password,
        From = "pipeline@example.com",
        To = ["admin@example.com"],
    };

    [Fact]
    public async Task Authenticates_with_the_configured_credentials()
    {
        await using var smtp = SmtpCapture.Start(user: "alerts", password: "s3cret");
        var notifier = Notifier(o => o.Smtp = AuthenticatingAs("alerts", "s3cret", smtp.Port));

        Assert.Equal(NotificationResult.Sent, await notifier.NotifyAsync(Drift()));
        Assert.Equal(1, smtp.Authenticator.Attempts);
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task Wrong_credentials_fail_without_throwing_and_nothing_is_delivered()
    {
        await using var smtp = SmtpCapture.Start(user: "alerts", password: "s3cret");
        var notifier = Notifier(o => o.Smtp = AuthenticatingAs("alerts", "wrong", smtp.Port));

        Assert.Equal(NotificationResult.Failed, await notifier.NotifyAsync(Drift()));
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_kind_switched_off_is_only_logged()
    {
        await using var smtp = SmtpCapture.Start();
        var notifier = Notifier(o =>
        {
            o.Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "pipeline@example.com", To = ["admin@example.com"] };
            o.Email.BackfillCompleted = false;
        });

        var backfill = new Notification(NotificationKind.BackfillCompleted, "backfill done", ["24 files"], "info", At);
        Assert.Equal(NotificationResult.LoggedOnly, await notifier.NotifyAsync(backfill));
        Assert.Equal(NotificationResult.Sent, await notifier.NotifyAsync(Drift()));
        var only = Assert.Single(smtp.Messages);
        Assert.Equal("Drift", only.Message.Headers["X-Pipeline-Notification"]);
    }

    [Fact]
    public async Task An_unreachable_relay_fails_within_the_timeout_without_throwing()
    {
        var notifier = Notifier(o => o.Smtp = new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = PortFinder.FreeTcpPort(),
            Security = "None",
            From = "pipeline@example.com",
            To = ["admin@example.com"],
            TimeoutSeconds = 5,
        });

        Assert.Equal(NotificationResult.Failed, await notifier.NotifyAsync(Drift()));
    }

    [Fact]
    public void Start_up_validation_names_each_missing_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Smtp:Host"] = "smtp.example.com",
            ["Alerts:Smtp:Security"] = "sometimes",
            ["Alerts:Smtp:Username"] = "alerts",
        }).Build();
        using var provider = new ServiceCollection().AddPipelineNotifications(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlertsOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("Alerts:Smtp:From is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Alerts:Smtp:To needs at least one recipient", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Alerts:Smtp:Security 'sometimes'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Alerts:Smtp:Username and Alerts:Smtp:Password", StringComparison.Ordinal));
    }

    [Fact]
    public void No_host_means_no_e_mail_and_no_validation_errors()
    {
        using var provider = new ServiceCollection().AddPipelineNotifications(new ConfigurationBuilder().Build()).BuildServiceProvider();
        Assert.Equal("", provider.GetRequiredService<IOptions<AlertsOptions>>().Value.Smtp.Host);
    }
}
