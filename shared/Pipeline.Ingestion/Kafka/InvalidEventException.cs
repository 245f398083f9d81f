using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Domain;

namespace Pipeline.Ingestion.Kafka;

/// <summary>A message on <c>github.events</c> that cannot be read as an event; it goes to the dead-letter topic.</summary>
public sealed class InvalidEventException(string message, Exception? inner = null) : Exception(message, inner);
