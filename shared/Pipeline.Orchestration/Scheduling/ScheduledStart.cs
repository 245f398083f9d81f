namespace Pipeline.Orchestration.Scheduling;

/// <summary>One orchestration an occurrence of a <see cref="ScheduledJob"/> starts.</summary>
internal sealed record ScheduledStart(string InstanceId, string Orchestrator, object? Input);
