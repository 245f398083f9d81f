using System.Diagnostics;
using Confluent.Kafka;
using Pipeline.Domain;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Consumer;

/// <summary>
/// Continues the producer's trace in the consumer: each event keeps the trace id of its message (stored as
/// <c>trace_id</c>), and while a slice is written every traced message gets a <c>process</c> span (kind Consumer, parent
/// = the message's <c>traceparent</c>) with a <c>store write</c> child covering the store write, so one trace spans
/// webhook → topic → consumer → store. The write itself is one batch; its database spans join the first message's trace.
/// </summary>
internal static class ConsumerTracing
{
    public static GitHubEvent WithTraceId(GitHubEvent e, Headers? headers)
    {
        var traceId = KafkaTraceContext.TraceIdOf(headers);
        return traceId is null ? e : e with { TraceId = traceId };
    }

    /// <summary>Starts the spans of a slice; dispose the result when the write finished (pass the error, if any, first).</summary>
    public static Spans Start<T>(IReadOnlyList<T> slice, Func<T, ConsumeResult<byte[]?, byte[]?>> message, string topic)
    {
        if (!KafkaTraceContext.Source.HasListeners()) return default;
        var previous = Activity.Current;
        var started = new List<Activity>();
        Activity? firstStore = null;
        foreach (var item in slice)
        {
            var m = message(item);
            if (KafkaTraceContext.Extract(m.Message.Headers) is not { } parent) continue;
            var process = KafkaTraceContext.Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
            if (process is null) continue;
            process.SetTag("messaging.system", "kafka");
            process.SetTag("messaging.destination.name", topic);
            process.SetTag("messaging.kafka.message.offset", m.Offset.Value);
            process.SetTag("messaging.destination.partition.id", m.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var store = KafkaTraceContext.Source.StartActivity("store write events", ActivityKind.Internal, process.Context);
            store?.SetTag("pipeline.batch.size", slice.Count);
            firstStore ??= store;
            if (store is not null) started.Add(store);
            started.Add(process);
        }
        // The write runs under the first message's store span (database instrumentation attaches there).
        Activity.Current = firstStore ?? previous;
        return new Spans(started, previous);
    }

    internal readonly struct Spans(List<Activity>? activities, Activity? previous) : IDisposable
    {
        public void Fail(Exception ex)
        {
            if (activities is null) return;
            foreach (var a in activities) a.SetStatus(ActivityStatusCode.Error, ex.Message);
        }

        public void Dispose()
        {
            if (activities is null) return;
            foreach (var a in activities) a.Stop();
            Activity.Current = previous;
        }
    }
}
