namespace Pipeline.Worker;

/// <summary>What one worker process runs (<c>Host:Role</c>).</summary>
internal enum WorkerRole
{
    /// <summary>The hosted Kafka consumer and its batch handlers, with /api/health and /api/metrics (Kubernetes, Container Apps).</summary>
    Consumer,

    /// <summary>One-shot initialiser for compose and Kubernetes: creates the store's collections and indexes, then exits 0.</summary>
    Init,
}
