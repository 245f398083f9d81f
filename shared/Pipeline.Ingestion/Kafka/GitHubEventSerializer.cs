using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Domain;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// The wire format of <c>github.events</c>: UTF-8 JSON of <see cref="GitHubEvent"/>, camelCase
/// (<c>id, type, action, repo, actor, createdAt, source, deliveryId, receivedAt, payload</c>), the GitHub payload
/// embedded as raw JSON (an object, not a string), timestamps ISO-8601 with offset.
/// Hand-written over <see cref="Utf8JsonWriter"/>/<see cref="Utf8JsonReader"/> because this is the hot path of
/// ingestion: the payload's original bytes are copied verbatim instead of being re-tokenised, which makes publishing
/// several times faster than the reflection or source-generated serializer.
/// </summary>
internal static class GitHubEventSerializer
{
    // Not for HTML: keep non-ASCII text as UTF-8 instead of \uXXXX escapes, so fields keep their size and text.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    public static byte[] Serialize(GitHubEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Payload.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"Event '{e.Id}' has no payload", nameof(e));
        }
        // A reused per-thread buffer keeps the hot path to one allocation: the returned array.
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var w = _writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("id"u8, e.Id);
        w.WriteString("type"u8, e.Type);
        WriteNullable(w, "action"u8, e.Action);
        w.WriteString("repo"u8, e.Repo);
        WriteNullable(w, "actor"u8, e.Actor);
        w.WriteString("createdAt"u8, e.CreatedAt);
        w.WriteString("source"u8, e.Source);
        WriteNullable(w, "deliveryId"u8, e.DeliveryId);
        w.WriteString("receivedAt"u8, e.ReceivedAt);
        w.WritePropertyName("payload"u8);
        w.WriteRawValue(JsonMarshal.GetRawUtf8Value(e.Payload), skipInputValidation: true);
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    /// <summary>Parses a message value. Throws <see cref="InvalidEventException"/> with the reason when it is not a valid event.</summary>
    public static GitHubEvent Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty) throw new InvalidEventException("empty message value");
        try
        {
            return Read(utf8Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException("not a GitHubEvent JSON document: " + ex.Message, ex);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            // GetString on a number, GetDateTimeOffset on a non-date and the like.
            throw new InvalidEventException("not a GitHubEvent JSON document: " + ex.Message, ex);
        }
    }

    private static GitHubEvent Read(ReadOnlySpan<byte> utf8Json)
    {
        var r = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!r.Read()) throw new InvalidEventException("empty message value");
        if (r.TokenType == JsonTokenType.Null) throw new InvalidEventException("JSON null instead of an event");
        if (r.TokenType != JsonTokenType.StartObject) throw new InvalidEventException($"not a GitHubEvent JSON document: expected an object, found {r.TokenType}");
        string? id = null, type = null, action = null, repo = null, actor = null, source = null, deliveryId = null;
        DateTimeOffset? createdAt = null, receivedAt = null;
        JsonElement payload = default;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("payload"u8))
            {
                r.Read();
                payload = JsonElement.ParseValue(ref r);
                continue;
            }
            var name = Field(ref r);
            r.Read();
            switch (name)
            {
                case 1: id = r.GetString(); break;
                case 2: type = r.GetString(); break;
                case 3: action = r.GetString(); break;
                case 4: repo = r.GetString(); break;
                case 5: actor = r.GetString(); break;
                case 6: createdAt = r.TokenType == JsonTokenType.Null ? null : r.GetDateTimeOffset(); break;
                case 7: source = r.GetString(); break;
                case 8: deliveryId = r.GetString(); break;
                case 9: receivedAt = r.TokenType == JsonTokenType.Null ? null : r.GetDateTimeOffset(); break;
                default: r.Skip(); break;
            }
        }
        if (r.TokenType != JsonTokenType.EndObject) throw new InvalidEventException("not a GitHubEvent JSON document: unterminated object");
        if (r.Read()) throw new InvalidEventException("not a GitHubEvent JSON document: trailing data after the event");

        var missing = new List<string>(0);
        if (string.IsNullOrWhiteSpace(id)) missing.Add("id");
        if (string.IsNullOrWhiteSpace(type)) missing.Add("type");
        if (string.IsNullOrWhiteSpace(repo)) missing.Add("repo");
        if (string.IsNullOrWhiteSpace(source)) missing.Add("source");
        if (createdAt is null) missing.Add("createdAt");
        if (payload.ValueKind == JsonValueKind.Undefined) missing.Add("payload");
        if (missing.Count > 0) throw new InvalidEventException("missing required field(s): " + string.Join(", ", missing));
        return new GitHubEvent(id!, type!, action, repo!, actor, createdAt!.Value, source!, deliveryId, receivedAt ?? createdAt.Value, payload);
    }

    private static int Field(ref Utf8JsonReader r)
    {
        if (r.ValueTextEquals("id"u8)) return 1;
        if (r.ValueTextEquals("type"u8)) return 2;
        if (r.ValueTextEquals("action"u8)) return 3;
        if (r.ValueTextEquals("repo"u8)) return 4;
        if (r.ValueTextEquals("actor"u8)) return 5;
        if (r.ValueTextEquals("createdAt"u8)) return 6;
        if (r.ValueTextEquals("source"u8)) return 7;
        if (r.ValueTextEquals("deliveryId"u8)) return 8;
        if (r.ValueTextEquals("receivedAt"u8)) return 9;
        return 0;
    }
}
