using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing;

/// <summary>A logger that keeps the last <see cref="Capacity"/> lines in memory, so a test that times out can say what
/// the component under test was doing (a consumer stuck in an outage, say) instead of only that it timed out.</summary>
public sealed class RecentLog<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public int Capacity { get; init; } = 200;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}";
        if (exception is not null) line += $" [{exception.GetType().Name}: {exception.Message}]";
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _)) { }
    }

    /// <summary>The kept lines, oldest first, one per line.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _lines);
}
