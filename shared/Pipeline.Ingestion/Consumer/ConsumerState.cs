namespace Pipeline.Ingestion.Consumer;

public enum ConsumerState
{
    /// <summary>Not started yet, or connecting / joining the group.</summary>
    Starting,
    /// <summary>Consuming and writing.</summary>
    Running,
    /// <summary>The store is unavailable: partitions are paused and the same batch is retried with back-off.</summary>
    PausedStoreUnavailable,
    /// <summary>The consumer failed and is restarting after a back-off.</summary>
    Faulted,
    Stopped,
}
