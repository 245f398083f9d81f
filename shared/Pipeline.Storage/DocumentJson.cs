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
        // One buffer and writer per thread, reset per document: a sink serialises thousands of documents per batch, and a
        // fresh buffer grown by doubling cost more allocation than the document itself. Nothing here awaits, so a
        // thread's buffer is never shared between two documents.
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        string json;
        try
        {
            writer.WriteStartObject();
            writer.WriteString(IdField, id);
            foreach (var (key, value) in document)
            {
                if (key == IdField) continue;
                writer.WritePropertyName(key);
                WriteNode(writer, value);
            }
            writer.WriteEndObject();
            writer.Flush();
            json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > MaxKeptBuffer)
            {
                // An outsized document: do not keep its buffer alive on this thread.
                _threadBuffer = null;
                _threadWriter = null;
            }
        }
        // PostgreSQL jsonb cannot hold U+0000 or unpaired surrogates (GitHub text occasionally contains them): U+FFFD there.
        return replaceNul ? SanitizeForJsonb(json) : json;
    }

    private const int MaxKeptBuffer = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>
    /// Writes a node. Values that came from parsed JSON (element-backed, or <see cref="RawJson"/>) are copied as their
    /// original UTF-8 text: faster than re-encoding, and System.Text.Json cannot re-encode strings holding an unpaired
    /// surrogate escape (it throws), which real GitHub payloads sometimes contain.
    /// </summary>
    public static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteNode(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                writer.WriteRawValue(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);
                break;
            case JsonValue value when value.TryGetValue<RawJson>(out var raw):
                writer.WriteRawValue(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(raw.Element), skipInputValidation: true);
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>A string element's text; an unpaired surrogate escape (which <see cref="JsonElement.GetString"/> refuses)
    /// becomes U+FFFD instead of failing the whole document.</summary>
    public static string SafeGetString(JsonElement element)
    {
        try
        {
            return element.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            using var repaired = JsonDocument.Parse(SanitizeForJsonb(element.GetRawText()));
            return repaired.RootElement.GetString() ?? "";
        }
    }

    /// <summary>
    /// Makes JSON text acceptable to PostgreSQL jsonb, which rejects the escape <c>\u0000</c> and unpaired UTF-16 surrogate
    /// escapes (both occur in real GitHub text): each becomes <c>\uFFFD</c>, the replacement character. Everything else,
    /// including an escaped backslash followed by the letters "u0000", is left alone.
    /// </summary>
    public static string SanitizeForJsonb(string json)
    {
        if (json.IndexOf("\\u", StringComparison.Ordinal) < 0) return json;
        System.Text.StringBuilder? sb = null;
        var copied = 0;
        var i = 0;
        while (i < json.Length)
        {
            if (json[i] != '\\' || i + 1 >= json.Length)
            {
                i++;
                continue;
            }
            if (json[i + 1] != 'u' || !TryHex(json, i + 2, out var code))
            {
                i += 2; // some other escape (\\, \", \n, ...): skip both characters
                continue;
            }
            var bad = code == 0;
            var length = 6;
            if (code is >= 0xD800 and <= 0xDBFF)
            {
                // A high surrogate is fine only when a low surrogate escape follows.
                if (i + 12 <= json.Length && json[i + 6] == '\\' && json[i + 7] == 'u' && TryHex(json, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    length = 12;
                }
                else bad = true;
            }
            else if (code is >= 0xDC00 and <= 0xDFFF) bad = true;
            if (bad)
            {
                sb ??= new System.Text.StringBuilder(json.Length);
                sb.Append(json, copied, i - copied).Append("\\uFFFD");
                copied = i + 6;
                length = 6;
            }
            i += length;
        }
        if (sb is null) return json;
        sb.Append(json, copied, json.Length - copied);
        return sb.ToString();
    }

    private static bool TryHex(string s, int start, out int value)
    {
        value = 0;
        if (start + 4 > s.Length) return false;
        for (var k = start; k < start + 4; k++)
        {
            var c = s[k];
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) return false;
            value = value * 16 + digit;
        }
        return true;
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
