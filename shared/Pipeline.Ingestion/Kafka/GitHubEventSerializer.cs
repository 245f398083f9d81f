using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Domain;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// The wire format of <c>github.events</c>: UTF-8 JSON of <see cref="GitHubEvent"/>, camelCase, the GitHub payload
/// embedded as raw JSON (not a string), timestamps ISO-8601. Source-generated so it costs no reflection per message.
/// </summary>
public static class GitHubEventSerializer
{
    // Not for HTML: keep non-ASCII text as UTF-8 instead of \uXXXX escapes, so payloads keep their size and text.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    public static byte[] Serialize(GitHubEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Payload.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"Event '{e.Id}' has no payload", nameof(e));
        }
        // A reused per-thread buffer keeps the producer's hot path to one allocation: the returned array.
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, e, GitHubEventJsonContext.Default.GitHubEvent);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a message value. Throws <see cref="InvalidEventException"/> with the reason when it is not a valid event.</summary>
    public static GitHubEvent Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty) throw new InvalidEventException("empty message value");
        GitHubEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(utf8Json, GitHubEventJsonContext.Default.GitHubEvent);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException("not a GitHubEvent JSON document: " + ex.Message, ex);
        }
        if (e is null) throw new InvalidEventException("JSON null instead of an event");
        var missing = new List<string>(0);
        if (string.IsNullOrWhiteSpace(e.Id)) missing.Add("id");
        if (string.IsNullOrWhiteSpace(e.Type)) missing.Add("type");
        if (string.IsNullOrWhiteSpace(e.Repo)) missing.Add("repo");
        if (string.IsNullOrWhiteSpace(e.Source)) missing.Add("source");
        if (e.Payload.ValueKind == JsonValueKind.Undefined) missing.Add("payload");
        if (missing.Count > 0) throw new InvalidEventException("missing required field(s): " + string.Join(", ", missing));
        return e;
    }
}

/// <summary>A message on <c>github.events</c> that cannot be read as an event; it goes to the dead-letter topic.</summary>
public sealed class InvalidEventException(string message, Exception? inner = null) : Exception(message, inner);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(GitHubEvent))]
internal sealed partial class GitHubEventJsonContext : JsonSerializerContext;
