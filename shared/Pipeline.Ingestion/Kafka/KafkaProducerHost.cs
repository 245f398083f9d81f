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
            if (left > 0) KafkaProducerHostLog.KafkaMessageSWereStill(logger, left);
        }
        finally
        {
            _producer.Value.Dispose();
        }
    }
}

/// <summary>Routes librdkafka's log lines and client errors into ILogger at matching levels.</summary>
internal static class KafkaLog
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
        logger.Log(level, "librdkafka {Facility} {Name}: {Message}", m.Facility, m.Name, m.Message);
    }

    public static void Error(ILogger logger, Error e)
    {
        // Transport errors (broker down, all brokers down) are retried by librdkafka itself; only fatal ones are errors.
        logger.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "Kafka client error {Code}: {Reason}", e.Code, e.Reason);
    }
}

/// <summary>The source-generated log messages of KafkaProducerHost (event ids: docs/architecture.md).</summary>
internal static partial class KafkaProducerHostLog
{
    [LoggerMessage(EventId = 1117, Level = LogLevel.Warning, Message = "{Count} Kafka message(s) were still unacknowledged at shutdown")]
    public static partial void KafkaMessageSWereStill(ILogger logger, object? count);
}
