using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Confluent.Kafka;
using Pipeline.Domain;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// W3C trace context on Kafka messages: the publisher adds <c>traceparent</c> (and <c>tracestate</c>) of the current
/// activity, the consumer continues the trace from them, so one trace spans webhook → topic → consumer → store.
/// </summary>
internal static class KafkaTraceContext
{
    public const string ActivitySourceName = "Pipeline.Ingestion";

    public static readonly ActivitySource Source = new(ActivitySourceName);

    // A publisher that sends events of many traces in one batch (the webhook relay) names each event's producing span here.
    private static readonly ConditionalWeakTable<GitHubEvent, string> Parents = new();

    /// <summary>Makes <paramref name="traceParent"/> the context injected into this event's message.</summary>
    public static void Attach(GitHubEvent e, string traceParent) => Parents.AddOrUpdate(e, traceParent);

    /// <summary>Adds the event's attached context, else the current activity's (nothing when there is none or it is not W3C).</summary>
    public static Headers WithTraceContext(this Headers headers, GitHubEvent e)
    {
        if (Parents.TryGetValue(e, out var attached))
        {
            headers.Add(KafkaHeaders.TraceParent, Encoding.ASCII.GetBytes(attached));
            return headers;
        }
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is null) return headers;
        headers.Add(KafkaHeaders.TraceParent, Encoding.ASCII.GetBytes(activity.Id));
        if (!string.IsNullOrEmpty(activity.TraceStateString)) headers.Add(KafkaHeaders.TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString));
        return headers;
    }

    /// <summary>The producer's context from a message's headers, when present and well-formed.</summary>
    public static ActivityContext? Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(KafkaHeaders.TraceParent, out var tp)) return null;
        var state = headers.TryGetLastBytes(KafkaHeaders.TraceState, out var ts) ? Encoding.ASCII.GetString(ts) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(tp), state, isRemote: true, out var context) ? context : null;
    }

    /// <summary>The trace id of a message's producer, as 32 hex digits, or null.</summary>
    public static string? TraceIdOf(Headers? headers) => Extract(headers)?.TraceId.ToHexString();
}
