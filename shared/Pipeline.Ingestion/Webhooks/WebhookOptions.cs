namespace Pipeline.Ingestion.Webhooks;

/// <summary>GitHub webhook settings (section <c>GitHub</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "GitHub";

    /// <summary>GitHub's own cap on a webhook payload.</summary>
    public const long DefaultMaxBodyBytes = 25L * 1024 * 1024;

    /// <summary>Secrets accepted for <c>X-Hub-Signature-256</c>; several at once while rotating (<c>GitHub:WebhookSecrets:0</c>, <c>:1</c>...).</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>A single secret (<c>GitHub:WebhookSecret</c>, env <c>GitHub__WebhookSecret</c>); joins <see cref="WebhookSecrets"/>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Largest accepted body in bytes; larger deliveries get 413 without being read past the limit.</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Reject unsigned deliveries. May be false only when no secret is configured (a loud warning is logged).</summary>
    public bool RequireSignature { get; set; } = true;

    /// <summary>How long a delivery id is remembered so a redelivery is acknowledged without publishing again.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most delivery ids remembered at once (the oldest are forgotten first; the store still dedupes by id).</summary>
    public int DuplicateCacheSize { get; set; } = 100_000;

    /// <summary>Write each accepted delivery to the inbox (blob storage) before answering 202, and relay it to the topic
    /// afterwards. Needs a storage account (<see cref="StorageConnectionString"/> or <c>AzureWebJobsStorage</c>). When false the
    /// event is published inline and the answer waits for the broker.</summary>
    public bool DurableAcceptance { get; set; } = true;

    /// <summary>Longest wait for the inbox write; past it the delivery is answered 503 (and counted in <c>webhooks.durable_write_failed</c>).
    /// Stay well under GitHub's 10 s delivery timeout.</summary>
    public TimeSpan DurableWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Blob container of the inbox.</summary>
    public string InboxContainer { get; set; } = "webhook-inbox";

    /// <summary>Storage account of the inbox; empty = <c>AzureWebJobsStorage</c> (the app's own account, Azurite locally).</summary>
    public string StorageConnectionString { get; set; } = "";

    /// <summary>How often the relay looks for inbox deliveries older than this that are not queued in memory.</summary>
    public TimeSpan RelaySweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Group commit: most deliveries written as one inbox blob. 1 writes a blob per delivery.</summary>
    public int InboxBatchMaxDeliveries { get; set; } = 256;

    /// <summary>Group commit: most body bytes (plus framing) in one inbox blob; a single larger delivery is written alone.</summary>
    public long InboxBatchMaxBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Group commit: longest time a batch stays open for more deliveries after its first one before its put starts
    /// (when a write slot is free). Added to every acknowledgement at low load; zero = start the put at once.</summary>
    public TimeSpan InboxBatchLinger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Group commit: inbox puts in flight at once; while all are busy the open batch keeps growing.</summary>
    public int InboxMaxConcurrentWrites { get; set; } = 4;

    /// <summary>Compress each inbox batch blob (Brotli, fastest level). Blobs of either kind are read whatever this says.</summary>
    public bool InboxCompression { get; set; } = true;

    /// <summary>Relay: inbox blob deletes in flight at once (off the acknowledgement path).</summary>
    public int InboxDeleteConcurrency { get; set; } = 4;

    /// <summary>Every configured secret, trimmed, blanks and repeats removed.</summary>
    public IReadOnlyList<string> AllSecrets()
    {
        var all = new List<string>();
        foreach (var s in WebhookSecrets.Append(WebhookSecret))
        {
            if (!string.IsNullOrWhiteSpace(s) && !all.Contains(s.Trim(), StringComparer.Ordinal)) all.Add(s.Trim());
        }
        return all;
    }
}
