using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// The process's one librdkafka producer (one per process is librdkafka's advice: it batches across callers and keeps
/// one idempotence epoch). Shared by <see cref="KafkaEventPublisher"/> and <see cref="DeadLetterPublisher"/>.
/// Created on first use so that hosts which never publish open no connection. Disposing flushes what is queued.
/// </summary>
public sealed class KafkaProducerHost(ClientConfigFactory configs, ILogger<KafkaProducerHost> logger) : IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer = new(() => Build(configs, logger));

    public IProducer<byte[]?, byte[]?> Producer => _producer.Value;

    private static IProducer<byte[]?, byte[]?> Build(ClientConfigFactory configs, ILogger logger)
    {
        LibrdkafkaLoader.EnsureLoaded();
        return new ProducerBuilder<byte[]?, byte[]?>(configs.CreateProducerConfig())
            .SetLogHandler((_, m) => KafkaLog.Write(logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(logger, e))
            .Build();
    }

    public void Dispose()
    {
        if (!_producer.IsValueCreated) return;
        try
        {
            var left = _producer.Value.Flush(TimeSpan.FromSeconds(10));
            if (left > 0) KafkaProducerHostLog.UnacknowledgedAtShutdown(logger, left);
        }
        finally
        {
            _producer.Value.Dispose();
        }
    }
}

/// <summary>Routes librdkafka's log lines and client errors into ILogger at matching levels.</summary>
internal static partial class KafkaLog
{
    public static void Write(ILogger logger, LogMessage m)
    {
        var level = m.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        LibrdkafkaLine(logger, level, m.Facility, m.Name, m.Message);
    }

    public static void Error(ILogger logger, Error e)
    {
        // Transport errors (broker down, all brokers down) are retried by librdkafka itself; only fatal ones are errors.
        ClientError(logger, e.IsFatal ? LogLevel.Critical : LogLevel.Warning, e.Code, e.Reason);
    }

    // The level is a parameter: it follows librdkafka's own severity (or the error's fatality).
    [LoggerMessage(EventId = 1142, Message = "librdkafka {Facility} {Name}: {Message}")]
    private static partial void LibrdkafkaLine(ILogger logger, LogLevel level, string facility, string name, string message);

    [LoggerMessage(EventId = 1143, Message = "Kafka client error {Code}: {Reason}")]
    private static partial void ClientError(ILogger logger, LogLevel level, ErrorCode code, string reason);
}

/// <summary>The source-generated log messages of KafkaProducerHost (event ids: docs/architecture.md).</summary>
internal static partial class KafkaProducerHostLog
{
    [LoggerMessage(EventId = 1117, Level = LogLevel.Warning, Message = "{Count} Kafka message(s) were still unacknowledged at shutdown")]
    public static partial void UnacknowledgedAtShutdown(ILogger logger, int count);
}
