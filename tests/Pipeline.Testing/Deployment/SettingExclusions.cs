namespace Pipeline.Testing.Deployment;

/// <summary>A setting that is meaningfully absent from some deployment targets, and why.</summary>
/// <param name="KeyPattern">Environment-form key; a trailing <c>*</c> matches a prefix.</param>
/// <param name="TargetPattern">Target id (<c>compose:functions</c>, <c>k8s:aks:pipeline-consumer</c>, <c>bicep:functions</c>);
/// <c>*</c> matches any run of characters.</param>
public sealed record SettingExclusion(string KeyPattern, string TargetPattern, string Reason)
{
    public bool Applies(string key, string target) => Glob(KeyPattern, key) && Glob(TargetPattern, target);

    private static bool Glob(string pattern, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value,
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}

/// <summary>
/// The explicit list of settings a deployment target deliberately does not set. Everything else the app reads must be
/// present in every target (docker compose, each Kubernetes overlay's workloads, the Bicep app settings).
/// Add an entry here only with a reason a reader would accept.
/// </summary>
public static class SettingExclusions
{
    public static IReadOnlyList<SettingExclusion> All { get; } =
    [
        // The containers and Azure use the MongoDB adapter (MongoDB in compose/minikube, Cosmos DB for MongoDB on AKS
        // and Azure); PostgreSQL JSONB is the local default of `make run` and what CI runs, never deployed.
        new("Store__PostgresConnectionString", "*", "deployments use the MongoDB adapter (Store__Provider=mongo)"),
        // Embedded servers (Azurite, PostgreSQL, librdkafka mock) exist only in `make run` and tests.
        new("Embedded__*", "*", "embedded local servers are never started in a deployment"),
        // compose and minikube run a plaintext in-cluster broker (Redpanda); SASL is for Event Hubs (AKS, Azure).
        new("Kafka__SaslMechanism", "compose:*", "plaintext Redpanda broker in compose"),
        new("Kafka__SaslUsername", "compose:*", "plaintext Redpanda broker in compose"),
        new("Kafka__SaslPassword", "compose:*", "plaintext Redpanda broker in compose"),
        new("Kafka__SaslMechanism", "k8s:minikube:*", "plaintext Redpanda broker in the minikube overlay"),
        new("Kafka__SaslUsername", "k8s:minikube:*", "plaintext Redpanda broker in the minikube overlay"),
        new("Kafka__SaslPassword", "k8s:minikube:*", "plaintext Redpanda broker in the minikube overlay"),
        // Flex Consumption takes the worker runtime from functionAppConfig.runtime and rejects this app setting;
        // the local-host image (consumer, init) is not a Functions host at all.
        new("FUNCTIONS_WORKER_RUNTIME", "bicep:*", "Flex Consumption sets the runtime in functionAppConfig.runtime"),
        new("FUNCTIONS_WORKER_RUNTIME", "compose:consumer", "the consumer runs the ASP.NET Core local host, not the Functions host"),
        new("FUNCTIONS_WORKER_RUNTIME", "compose:init-store", "the initialiser runs the ASP.NET Core local host"),
        // The role switch belongs to the local host image; the Functions host splits work by function lists instead.
        // Host__* configures the ASP.NET Core local host (role, listen URLs, data folder, seeding, local key); the
        // Functions host has its own equivalents (host.json, function keys).
        new("Host__*", "compose:functions", "local-host settings; the Functions host does not read them"),
        new("Host__*", "bicep:functions", "local-host settings; the Functions host does not read them"),
        new("Host__Role", "k8s:*:pipeline-functions*", "the Functions host has no role switch"),
        // The role defaults to all in `make run`; every container sets it explicitly where it reads it.
        new("Host__Role", "bicep:consumer", "set explicitly in the consumer's env"),
        // Rotation list: deployments set the single GitHub__WebhookSecret; add WebhookSecrets__0/__1 only while rotating.
        new("GitHub__WebhookSecrets__*", "*", "deployments use the single GitHub__WebhookSecret; the list is for rotations"),
        // Unset means AzureWebJobsStorage (MlServiceCollectionExtensions); a separate account is optional.
        new("Ml__BlobConnectionString", "*", "falls back to AzureWebJobsStorage"),
        // Application Insights exists only in Azure.
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", "compose:*", "no Application Insights outside Azure"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", "k8s:minikube:*", "no Application Insights outside Azure"),
    ];

    public static SettingExclusion? Find(string key, string target) => All.FirstOrDefault(e => e.Applies(key, target));
}
