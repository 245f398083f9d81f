using System.Text.Json;

namespace Pipeline.Api.Management;

/// <summary>The status document of one instance, as Durable Functions' status query answers it.</summary>
/// <param name="Name">The orchestrator's name.</param>
/// <param name="RuntimeStatus">Pending, Running, Completed, Failed, Terminated, Suspended or ContinuedAsNew.</param>
/// <param name="Input">The orchestration's input (null when not asked for).</param>
/// <param name="CustomStatus">Progress the orchestration published (stage, counts).</param>
/// <param name="Output">The result once completed; the failure message when failed; the reason when terminated.</param>
internal sealed record InstanceStatusDocument(
    string Name,
    string InstanceId,
    string RuntimeStatus,
    JsonElement? Input,
    JsonElement? CustomStatus,
    JsonElement? Output,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime);
