namespace Pipeline.Ingestion.Kafka;

/// <summary>A message on <c>github.events</c> that cannot be read as an event; it goes to the dead-letter topic.</summary>
internal sealed class InvalidEventException(string message, Exception? inner = null) : Exception(message, inner);
