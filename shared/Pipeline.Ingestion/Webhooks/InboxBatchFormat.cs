using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// The framed content of a batch inbox blob (several deliveries written by one put, see <see cref="InboxGroupCommit"/>):
/// the magic <c>PWIB</c> and a version byte, then per delivery a little-endian uint32 length and a UTF-8 JSON header
/// (<c>event</c>, <c>delivery</c>, <c>contentType</c>, <c>signature256</c>, <c>receivedAt</c>, <c>traceParent</c>, and
/// <c>bodyEncoding</c> <c>br</c> with the original <c>bodyLength</c> when the body is compressed), and a uint32 length and
/// the body: exactly as signed, or Brotli of it. Lengths make it binary-safe for form-encoded bodies. Each body is
/// compressed on its own (Brotli quality 1): the storage account's bytes per second (Azurite's above all) bound how
/// many deliveries per second can be made durable, and webhook JSON shrinks several-fold; a body is never compressed
/// against another, so the ratio does not depend on what else is in the batch.
/// </summary>
internal static class InboxBatchFormat
{
    /// <summary>Blob metadata value of <c>format</c> for this framing; blobs without it hold one raw delivery (pre-batch).</summary>
    public const string FormatName = "batch-v1";

    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "PWIB"u8;

    /// <summary>Framing bytes per delivery on top of its body (lengths and a typical header), for the batch byte bound.</summary>
    public const int OverheadPerDelivery = 320;

    public static byte[] Encode(IReadOnlyList<RawDelivery> deliveries, bool compress = false)
    {
        var buffer = new ArrayBufferWriter<byte>(deliveries.Sum(d => d.Body.Length + OverheadPerDelivery) + 8);
        buffer.Write(Magic);
        buffer.Write([Version]);
        using var json = new Utf8JsonWriter(new ArrayBufferWriter<byte>(512));
        var header = new ArrayBufferWriter<byte>(512);
        foreach (var d in deliveries)
        {
            header.ResetWrittenCount();
            json.Reset(header);
            json.WriteStartObject();
            json.WriteString("event", d.Event);
            json.WriteString("delivery", d.DeliveryId);
            if (d.ContentType is not null) json.WriteString("contentType", d.ContentType);
            if (d.Signature256 is not null) json.WriteString("signature256", d.Signature256);
            json.WriteString("receivedAt", d.ReceivedAt.ToString("O", CultureInfo.InvariantCulture));
            if (d.TraceParent is not null) json.WriteString("traceParent", d.TraceParent);
            var compressed = compress ? Compress(d.Body.Span) : null;
            if (compressed is not null)
            {
                json.WriteString("bodyEncoding", "br");
                json.WriteNumber("bodyLength", d.Body.Length);
            }
            json.WriteEndObject();
            json.Flush();
            WriteLength(buffer, header.WrittenCount);
            buffer.Write(header.WrittenSpan);
            var body = compressed ?? d.Body;
            WriteLength(buffer, body.Length);
            buffer.Write(body.Span);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The deliveries of a batch blob; <see cref="FormatException"/> when the content is not a whole batch.</summary>
    public static List<RawDelivery> Decode(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (span.Length < Magic.Length + 1 || !span[..Magic.Length].SequenceEqual(Magic)) throw new FormatException("not a framed inbox batch (magic missing)");
        if (span[Magic.Length] != Version) throw new FormatException($"inbox batch version {span[Magic.Length]} is not supported");
        var deliveries = new List<RawDelivery>();
        var at = Magic.Length + 1;
        while (at < content.Length)
        {
            var header = Next(content, ref at);
            var body = Next(content, ref at);
            deliveries.Add(ReadHeader(header.Span, body));
        }
        return deliveries;
    }

    private static RawDelivery ReadHeader(ReadOnlySpan<byte> header, ReadOnlyMemory<byte> body)
    {
        string? evt = null, delivery = null, contentType = null, signature = null, traceParent = null, encoding = null;
        var bodyLength = -1;
        DateTimeOffset? receivedAt = null;
        var reader = new Utf8JsonReader(header);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("inbox batch header is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "bodyLength" && reader.TokenType == JsonTokenType.Number)
                {
                    bodyLength = reader.GetInt32();
                    continue;
                }
                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                switch (name)
                {
                    case "bodyEncoding": encoding = value; break;
                    case "event": evt = value; break;
                    case "delivery": delivery = value; break;
                    case "contentType": contentType = value; break;
                    case "signature256": signature = value; break;
                    case "traceParent": traceParent = value; break;
                    case "receivedAt":
                        receivedAt = DateTimeOffset.Parse(value ?? "", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                        break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("inbox batch header is not valid JSON: " + ex.Message, ex);
        }
        if (evt is null || delivery is null || receivedAt is null) throw new FormatException("inbox batch header lacks event, delivery or receivedAt");
        if (encoding is not null) body = Decompress(encoding, bodyLength, body.Span);
        return new RawDelivery(evt, delivery, contentType, signature, receivedAt.Value, body, traceParent);
    }

    /// <summary>Brotli of the body, or null when that is not smaller (already compressed, tiny).</summary>
    private static ReadOnlyMemory<byte>? Compress(ReadOnlySpan<byte> body)
    {
        if (body.Length < 256) return null;
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        if (!BrotliEncoder.TryCompress(body, output, out var written, quality: 1, window: 22) || written >= body.Length) return null;
        return output.AsMemory(0, written);
    }

    private static byte[] Decompress(string encoding, int length, ReadOnlySpan<byte> compressed)
    {
        if (encoding != "br") throw new FormatException($"inbox batch body encoding '{encoding}' is not supported");
        if (length < 0) throw new FormatException("inbox batch header lacks bodyLength for a compressed body");
        var body = new byte[length];
        if (!BrotliDecoder.TryDecompress(compressed, body, out var written) || written != length) throw new FormatException("inbox batch body is not valid Brotli of its stated length");
        return body;
    }

    private static ReadOnlyMemory<byte> Next(ReadOnlyMemory<byte> content, ref int at)
    {
        if (content.Length - at < 4) throw new FormatException("inbox batch is truncated (length)");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(content.Span[at..]);
        at += 4;
        if (length > (uint)(content.Length - at)) throw new FormatException("inbox batch is truncated (frame)");
        var frame = content.Slice(at, (int)length);
        at += (int)length;
        return frame;
    }

    private static void WriteLength(ArrayBufferWriter<byte> buffer, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), (uint)length);
        buffer.Advance(4);
    }
}
