using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;

namespace Pipeline.Storage.Mongo;

/// <summary>
/// Converts between System.Text.Json documents and BSON without losing types: integers become int64 (int32 when read back
/// is widened to int64), other numbers double (integers beyond int64 become Decimal128), strings, booleans, nulls, arrays
/// and nested objects map one to one. BSON types JSON lacks are read as JSON text: dates as ISO-8601 UTC strings (the
/// store's timestamp format), ObjectId as its hex string, Decimal128 as a number.
/// </summary>
internal static class BsonJson
{
    public static BsonDocument ToBson(string id, JsonObject document)
    {
        var bson = new BsonDocument { { DocumentJson.IdField, id } };
        foreach (var (key, value) in document)
        {
            if (key == DocumentJson.IdField) continue;
            bson.Add(key, ToBsonValue(value));
        }
        return bson;
    }

    public static BsonDocument ToBson(JsonObject document)
    {
        var bson = new BsonDocument();
        foreach (var (key, value) in document) bson.Add(key, ToBsonValue(value));
        return bson;
    }

    public static BsonValue ToBsonValue(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return BsonNull.Value;
            case JsonObject obj:
                return ToBson(obj);
            case JsonArray array:
                {
                    var bson = new BsonArray(array.Count);
                    foreach (var item in array) bson.Add(ToBsonValue(item));
                    return bson;
                }
            case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                return FromElement(element);
            case JsonValue value when value.TryGetValue<RawJson>(out var raw):
                return FromElement(raw.Element);
            case JsonValue value:
                return ScalarToBson(value);
            default:
                throw new NotSupportedException($"Unsupported JSON node {node.GetType().Name}");
        }
    }

    /// <summary>Converts parsed JSON straight to BSON (raw payloads take this path: no node tree in between).</summary>
    public static BsonValue FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var doc = new BsonDocument();
                    foreach (var property in element.EnumerateObject()) doc[property.Name] = FromElement(property.Value);
                    return doc;
                }
            case JsonValueKind.Array:
                {
                    var array = new BsonArray(element.GetArrayLength());
                    foreach (var item in element.EnumerateArray()) array.Add(FromElement(item));
                    return array;
                }
            case JsonValueKind.String:
                return new BsonString(DocumentJson.SafeGetString(element));
            case JsonValueKind.Number:
                return ElementNumberToBson(element);
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            default:
                return BsonNull.Value;
        }
    }

    private static BsonValue ElementNumberToBson(JsonElement element)
    {
        if (element.TryGetInt64(out var l)) return new BsonInt64(l);
        var raw = element.GetRawText();
        if (IsIntegerLiteral(raw) && decimal.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big))
        {
            return new BsonDecimal128(new Decimal128(big));
        }
        return new BsonDouble(element.GetDouble());
    }

    private static BsonValue ScalarToBson(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return new BsonString(value.TryGetValue<string>(out var s) ? s : ToStringValue(value));
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return BsonNull.Value;
            case JsonValueKind.Number:
                return NumberToBson(value);
            default:
                throw new NotSupportedException($"Unsupported JSON value kind {value.GetValueKind()}");
        }
    }

    // Values created in code from DateTime, Guid, char...: their JSON text is a string literal.
    private static string ToStringValue(JsonValue value) => JsonSerializer.Deserialize<string>(value.ToJsonString())!;

    private static BsonValue NumberToBson(JsonValue value)
    {
        // Values created in code (JsonValue.Create(42), JsonValue.Create(1.5m)).
        if (value.TryGetValue<long>(out var int64)) return new BsonInt64(int64);
        if (value.TryGetValue<int>(out var int32)) return new BsonInt64(int32);
        if (value.TryGetValue<short>(out var int16)) return new BsonInt64(int16);
        if (value.TryGetValue<byte>(out var int8)) return new BsonInt64(int8);
        if (value.TryGetValue<uint>(out var uint32)) return new BsonInt64(uint32);
        if (value.TryGetValue<ulong>(out var uint64))
        {
            return uint64 <= long.MaxValue ? new BsonInt64((long)uint64) : new BsonDecimal128(new Decimal128((decimal)uint64));
        }
        if (value.TryGetValue<double>(out var d)) return new BsonDouble(d);
        if (value.TryGetValue<float>(out var f)) return new BsonDouble(f);
        if (value.TryGetValue<decimal>(out var m))
        {
            return m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue ? new BsonInt64((long)m) : new BsonDouble((double)m);
        }
        // Anything else that serialises as a JSON number.
        using var doc = JsonDocument.Parse(value.ToJsonString());
        return ElementNumberToBson(doc.RootElement);
    }

    private static bool IsIntegerLiteral(string raw)
    {
        var span = raw.AsSpan();
        if (span.Length > 0 && span[0] == '-') span = span[1..];
        foreach (var c in span)
        {
            if (c is < '0' or > '9') return false;
        }
        return span.Length > 0;
    }

    public static JsonObject ToJson(BsonDocument document)
    {
        var obj = new JsonObject();
        foreach (var element in document) obj[element.Name] = ToJsonNode(element.Value);
        return obj;
    }

    public static JsonNode? ToJsonNode(BsonValue value) => value.BsonType switch
    {
        BsonType.Null or BsonType.Undefined => null,
        BsonType.Document => ToJson(value.AsBsonDocument),
        BsonType.Array => new JsonArray(value.AsBsonArray.Select(ToJsonNode).ToArray()),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.Int32 => JsonValue.Create((long)value.AsInt32),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Double => JsonValue.Create(value.AsDouble),
        BsonType.Decimal128 => JsonValue.Create(Decimal128.ToDecimal(value.AsDecimal128)),
        BsonType.DateTime => JsonValue.Create(StoreTime.Format(new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero))),
        BsonType.ObjectId => JsonValue.Create(value.AsObjectId.ToString()),
        BsonType.Timestamp => JsonValue.Create(value.AsBsonTimestamp.Value),
        BsonType.Binary => JsonValue.Create(Convert.ToBase64String(value.AsBsonBinaryData.Bytes)),
        _ => JsonValue.Create(value.ToString()),
    };
}
