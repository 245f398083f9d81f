namespace Pipeline.Api.Management;

/// <summary>The answer of a purge (<c>DELETE</c> on an instance), as Durable Functions' purge API answers it.</summary>
internal sealed record PurgeResult(int InstancesDeleted);
