namespace Pipeline.Embedded;

/// <summary>Topic to create on the embedded broker. The mock has no Admin API, so topics are made here.</summary>
public sealed record EmbeddedTopic(string Name, int Partitions);
