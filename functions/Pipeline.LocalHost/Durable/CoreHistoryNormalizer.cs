using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Tracing;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// Rewrites what the gRPC sidecar (Microsoft.DurableTask.InProcessTestHost's <c>TaskHubGrpcServer</c>) hands to the storage
/// provider so that every object is one of DurableTask.Core's own types.
/// <para>
/// DurableTask.AzureStorage writes queue messages with Json.NET <c>TypeNameHandling</c>: each object carries its runtime
/// type and is read back by that name. The sidecar converts gRPC requests into Core objects but leaves some fields as the
/// protobuf or sidecar types it built them from; the worker that reads the message back then fails with
/// <c>Error resolving type specified in JSON 'Google.Protobuf.Collections.MapField`2…'</c> and the message is retried forever.
/// </para>
/// <para>What is mapped, field by field (checked against the sidecar's ProtobufUtils, TaskOrchestrationDispatcher and
/// TaskHubGrpcServer at the commit the 0.2.3-preview.1 package was built from):</para>
/// <list type="bullet">
/// <item><see cref="ExecutionStartedEvent.Tags"/>: a sub-orchestration's tags are the protobuf <c>MapField</c> of the
/// CreateSubOrchestration action, copied into a <see cref="Dictionary{TKey,TValue}"/> (the defect that stopped every
/// sub-orchestration).</item>
/// <item><see cref="TaskScheduledEvent.Tags"/>, <see cref="SubOrchestrationInstanceCreatedEvent.Tags"/> and
/// <see cref="OrchestrationState.Tags"/>: the same copy when they are not already a plain dictionary.</item>
/// <item><c>GrpcSubOrchestrationInstanceCreatedEvent</c> (a sidecar subclass, written to history and kept in the cached
/// runtime state) becomes Core's <see cref="SubOrchestrationInstanceCreatedEvent"/>, with the sub-orchestration's tags and
/// the client span id taken from its trace context (the fields Core's own dispatcher fills).</item>
/// <item>Any other history event of a type outside DurableTask.Core is refused with a clear error rather than persisted in a
/// shape the provider cannot read back.</item>
/// </list>
/// Fields that are already Core types need nothing: <see cref="DistributedTraceContext"/> (built with Core's constructor),
/// <see cref="ParentInstance"/>, <see cref="OrchestrationInstance"/>, and <see cref="FailureDetails"/>, whose
/// <c>Properties</c> the sidecar converts from protobuf <c>Value</c>s into <see cref="Dictionary{TKey,TValue}"/> of
/// <see cref="string"/> to CLR primitives, lists and dictionaries.
/// </summary>
internal static class CoreHistoryNormalizer
{
    private static readonly System.Reflection.Assembly CoreAssembly = typeof(HistoryEvent).Assembly;

    /// <summary>Returns the message with its event as a Core type (the same instance when nothing needed changing).</summary>
    public static TaskMessage Normalize(TaskMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Event is not null) message.Event = Normalize(message.Event);
        return message;
    }

    public static IList<TaskMessage> Normalize(IList<TaskMessage>? messages)
    {
        if (messages is null) return [];
        for (var i = 0; i < messages.Count; i++) messages[i] = Normalize(messages[i]);
        return messages;
    }

    /// <summary>Replaces foreign event types in a runtime state's full and new history (the same objects appear in both).</summary>
    public static void Normalize(OrchestrationRuntimeState? state)
    {
        if (state is null) return;
        var replaced = new Dictionary<HistoryEvent, HistoryEvent>(ReferenceEqualityComparer.Instance);
        ReplaceAll(state.Events, replaced);
        ReplaceAll(state.NewEvents, replaced);
    }

    public static void Normalize(OrchestrationState? state)
    {
        if (state is not null) state.Tags = PlainTags(state.Tags);
    }

    public static HistoryEvent Normalize(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e)
        {
            case ExecutionStartedEvent started:
                started.Tags = PlainTags(started.Tags);
                break;
            case TaskScheduledEvent scheduled:
                scheduled.Tags = PlainTags(scheduled.Tags);
                break;
            case SubOrchestrationInstanceCreatedEvent created:
                created.Tags = PlainTags(created.Tags);
                break;
        }
        if (e.GetType().Assembly == CoreAssembly) return e;
        return e switch
        {
            SubOrchestrationInstanceCreatedEvent created => ToCore(created),
            _ => throw new InvalidOperationException(
                $"The durable sidecar produced a history event of type {e.GetType().FullName} ({e.EventType}); the storage provider " +
                "can only read back DurableTask.Core's own types. Map it in CoreHistoryNormalizer."),
        };
    }

    private static SubOrchestrationInstanceCreatedEvent ToCore(SubOrchestrationInstanceCreatedEvent created)
    {
        var core = new SubOrchestrationInstanceCreatedEvent(created.EventId)
        {
            Timestamp = created.Timestamp,
            IsPlayed = created.IsPlayed,
            Name = created.Name,
            Version = created.Version,
            InstanceId = created.InstanceId,
            Input = created.Input,
            Tags = PlainTags(created.Tags),
            ClientSpanId = created.ClientSpanId,
            ExtensionData = created.ExtensionData,
        };
        if (string.IsNullOrEmpty(core.ClientSpanId) && TraceContextOf(created) is { } trace) core.ClientSpanId = SpanIdOf(trace.TraceParent);
        return core;
    }

    /// <summary>The sidecar's subclass adds a <c>ParentTraceContext</c>; read it by name so this works without binding to the
    /// preview package's public surface.</summary>
    private static DistributedTraceContext? TraceContextOf(HistoryEvent e) =>
        e.GetType().GetProperty("ParentTraceContext")?.GetValue(e) as DistributedTraceContext;

    /// <summary>The parent-id field of a W3C traceparent (version-traceid-parentid-flags).</summary>
    internal static string? SpanIdOf(string? traceParent)
    {
        if (string.IsNullOrEmpty(traceParent)) return null;
        var parts = traceParent.Split('-');
        return parts.Length == 4 && parts[2].Length == 16 ? parts[2] : null;
    }

    private static Dictionary<string, string>? PlainTags(IDictionary<string, string>? tags) => tags switch
    {
        null => null,
        Dictionary<string, string> plain when plain.GetType() == typeof(Dictionary<string, string>) => plain,
        _ => new Dictionary<string, string>(tags, StringComparer.Ordinal),
    };

    private static void ReplaceAll(IList<HistoryEvent> events, Dictionary<HistoryEvent, HistoryEvent> replaced)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var original = events[i];
            if (!replaced.TryGetValue(original, out var normalized))
            {
                normalized = Normalize(original);
                replaced[original] = normalized;
            }
            if (!ReferenceEquals(normalized, original)) events[i] = normalized;
        }
    }
}
