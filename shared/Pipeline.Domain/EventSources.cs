namespace Pipeline.Domain;

/// <summary>Where an event entered the pipeline.</summary>
public static class EventSources
{
    public const string Webhook = "webhook";
    public const string Poller = "poller";
    public const string GhArchive = "gharchive";
}
