using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Webhooks;

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        var errors = new List<string>();
        var secrets = o.AllSecrets();
        if (o.RequireSignature && secrets.Count == 0)
        {
            errors.Add("GitHub:WebhookSecret (or GitHub:WebhookSecrets) is required while GitHub:RequireSignature is true");
        }
        if (!o.RequireSignature && secrets.Count > 0)
        {
            errors.Add("GitHub:RequireSignature=false is allowed only when no GitHub:WebhookSecret/WebhookSecrets is configured");
        }
        if (o.MaxBodyBytes <= 0 || o.MaxBodyBytes > 1L << 30)
        {
            errors.Add("GitHub:MaxBodyBytes must be between 1 and 1073741824");
        }
        if (o.DurableAcceptance && string.IsNullOrWhiteSpace(o.StorageConnectionString))
        {
            errors.Add("GitHub:StorageConnectionString (or AzureWebJobsStorage) is required while GitHub:DurableAcceptance is true");
        }
        if (o.DurableWriteTimeout <= TimeSpan.Zero) errors.Add("GitHub:DurableWriteTimeout must be positive");
        if (o.RelaySweepInterval <= TimeSpan.Zero) errors.Add("GitHub:RelaySweepInterval must be positive");
        if (o.InboxBatchMaxDeliveries < 1) errors.Add("GitHub:InboxBatchMaxDeliveries must be at least 1");
        if (o.InboxBatchMaxBytes < 1) errors.Add("GitHub:InboxBatchMaxBytes must be positive");
        if (o.InboxBatchLinger < TimeSpan.Zero || o.InboxBatchLinger >= o.DurableWriteTimeout) errors.Add("GitHub:InboxBatchLinger must be between 0 and GitHub:DurableWriteTimeout");
        if (o.InboxMaxConcurrentWrites < 1) errors.Add("GitHub:InboxMaxConcurrentWrites must be at least 1");
        if (o.InboxDeleteConcurrency < 1) errors.Add("GitHub:InboxDeleteConcurrency must be at least 1");
        if (string.IsNullOrWhiteSpace(o.InboxContainer)) errors.Add("GitHub:InboxContainer must not be empty");
        if (o.DuplicateWindow < TimeSpan.Zero) errors.Add("GitHub:DuplicateWindow must not be negative");
        if (o.DuplicateCacheSize < 0) errors.Add("GitHub:DuplicateCacheSize must not be negative");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
