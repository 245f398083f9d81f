namespace Pipeline.Worker;

/// <summary>Settings of the worker host (section <c>Host</c>).</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Host";

    /// <summary>consumer (the default) | init.</summary>
    public WorkerRole Role { get; set; } = WorkerRole.Consumer;
}
