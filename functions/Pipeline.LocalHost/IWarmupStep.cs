namespace Pipeline.LocalHost;

/// <summary>One start-up step of the local host (seed sample data, train first models...). Returns a one-line summary.</summary>
internal interface IWarmupStep
{
    string Name { get; }

    Task<string> RunAsync(CancellationToken ct);
}
