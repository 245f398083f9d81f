using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Storage;

/// <summary>Serialises documents with their id in <c>_id</c> without mutating the caller's <see cref="JsonObject"/>.</summary>
public static class DocumentJson
{
    public const string IdField = "_id";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        // Documents are stored, not embedded in HTML: keep non-ASCII text as UTF-8 rather than \uXXXX escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The document as compact JSON with <c>_id</c> first and set to <paramref name="id"/>.</summary>
    public static string Serialize(string id, JsonObject document, bool replaceNul = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(IdField, id);
            foreach (var (key, value) in document)
            {
                if (key == IdField) continue;
                writer.WritePropertyName(key);
                if (value is null) writer.WriteNullValue();
                else value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        var json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        // PostgreSQL jsonb cannot hold U+0000 (GitHub text occasionally contains it); it becomes U+FFFD there.
        return replaceNul ? ReplaceEscapedNul(json) : json;
    }

    /// <summary>Replaces JSON escapes <c>\u0000</c> by <c>\uFFFD</c>, leaving an escaped backslash followed by "u0000" alone.</summary>
    public static string ReplaceEscapedNul(string json)
    {
        var at = json.IndexOf("\\u0000", StringComparison.Ordinal);
        if (at < 0) return json;
        var sb = new System.Text.StringBuilder(json.Length);
        var i = 0;
        while (i < json.Length)
        {
            var c = json[i];
            if (c == '\\' && i + 1 < json.Length)
            {
                if (json[i + 1] == 'u' && string.CompareOrdinal(json, i + 2, "0000", 0, 4) == 0)
                {
                    sb.Append("\\uFFFD");
                    i += 6;
                }
                else
                {
                    sb.Append(c).Append(json[i + 1]);
                    i += 2;
                }
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>Reads a stored document.</summary>
    public static JsonObject Parse(string json) =>
        JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("Stored document is not a JSON object");

    /// <summary>Keeps the last document per id (an upsert batch may name one id twice; the later one wins, as sequential upserts would).</summary>
    public static IReadOnlyList<KeyValuePair<string, JsonObject>> LastPerId(IReadOnlyList<KeyValuePair<string, JsonObject>> documents)
    {
        var seen = new Dictionary<string, int>(documents.Count, StringComparer.Ordinal);
        var result = new List<KeyValuePair<string, JsonObject>>(documents.Count);
        foreach (var doc in documents)
        {
            ArgumentNullException.ThrowIfNull(doc.Key, "id");
            if (seen.TryGetValue(doc.Key, out var index)) result[index] = doc;
            else
            {
                seen[doc.Key] = result.Count;
                result.Add(doc);
            }
        }
        return result;
    }

    /// <summary>Keeps the first document per id (insert-if-absent: the first insert wins, later ones find it existing).</summary>
    public static IReadOnlyList<KeyValuePair<string, JsonObject>> FirstPerId(IReadOnlyList<KeyValuePair<string, JsonObject>> documents)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<KeyValuePair<string, JsonObject>>(documents.Count);
        foreach (var doc in documents)
        {
            ArgumentNullException.ThrowIfNull(doc.Key, "id");
            if (seen.Add(doc.Key)) result.Add(doc);
        }
        return result;
    }
}
