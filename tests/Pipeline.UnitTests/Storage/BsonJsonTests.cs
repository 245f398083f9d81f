using System.Text.Json.Nodes;
using MongoDB.Bson;
using Pipeline.Storage.Mongo;

namespace Pipeline.UnitTests.Storage;

public sealed class BsonJsonTests
{
    [Fact]
    public void Parsed_json_converts_to_bson_with_the_right_types_and_back_unchanged()
    {
        const string json = """
            {"int":42,"neg":-7,"big":9007199254740993,"dbl":0.1,"whole":5.0,"exp":1e300,"s":"ünïcødé 😀","t":true,"f":false,"n":null,
             "arr":[1,"x",null,[2],{"k":"v"}],"obj":{"nested":{"deep":1}},"empty":{},"none":[],"huge":123456789012345678901234}
            """;
        var original = JsonNode.Parse(json)!.AsObject();
        var bson = BsonJson.ToBson("id-1", original);

        Assert.Equal("id-1", bson["_id"].AsString);
        Assert.Equal(BsonType.Int64, bson["int"].BsonType);
        Assert.Equal(42L, bson["int"].AsInt64);
        Assert.Equal(BsonType.Int64, bson["big"].BsonType);
        Assert.Equal(9007199254740993L, bson["big"].AsInt64);
        Assert.Equal(BsonType.Double, bson["dbl"].BsonType);
        Assert.Equal(BsonType.Double, bson["whole"].BsonType); // 5.0 stays a double
        Assert.Equal(BsonType.Decimal128, bson["huge"].BsonType); // beyond int64: exact, not a lossy double
        Assert.Equal(BsonType.String, bson["s"].BsonType);
        Assert.Equal(BsonType.Boolean, bson["t"].BsonType);
        Assert.Equal(BsonType.Null, bson["n"].BsonType);
        Assert.Equal(BsonType.Array, bson["arr"].BsonType);
        Assert.Equal(BsonType.Document, bson["obj"]["nested"].BsonType);

        var back = BsonJson.ToJson(bson);
        back.Remove("_id");
        Assert.True(JsonNode.DeepEquals(original, back), back.ToJsonString());
    }

    [Fact]
    public void The_id_argument_replaces_an_id_in_the_document_and_comes_first()
    {
        var bson = BsonJson.ToBson("real", JsonNode.Parse("""{"a":1,"_id":"other"}""")!.AsObject());
        Assert.Equal("_id", bson.GetElement(0).Name);
        Assert.Equal("real", bson["_id"].AsString);
        Assert.Equal(2, bson.ElementCount);
    }

    [Fact]
    public void Values_built_in_code_convert_by_their_kind()
    {
        var doc = new JsonObject
        {
            ["i"] = 3,
            ["l"] = 4L,
            ["d"] = 2.5,
            ["m"] = 7m,
            ["mf"] = 7.25m,
            ["b"] = true,
            ["s"] = "x",
            ["dt"] = JsonValue.Create(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
        };
        var bson = BsonJson.ToBson(doc);
        Assert.Equal(3L, bson["i"].AsInt64);
        Assert.Equal(4L, bson["l"].AsInt64);
        Assert.Equal(2.5, bson["d"].AsDouble);
        Assert.Equal(7L, bson["m"].AsInt64);
        Assert.Equal(7.25, bson["mf"].AsDouble);
        Assert.True(bson["b"].AsBoolean);
        Assert.Equal("x", bson["s"].AsString);
        Assert.Equal(BsonType.String, bson["dt"].BsonType);
        Assert.StartsWith("2024-01-02T03:04:05", bson["dt"].AsString);
    }

    [Fact]
    public void Bson_types_json_lacks_read_as_json_text()
    {
        var oid = ObjectId.GenerateNewId();
        var bson = new BsonDocument
        {
            { "i32", 5 },
            { "date", new BsonDateTime(new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc)) },
            { "oid", oid },
            { "dec", new BsonDecimal128(12.5m) },
            { "undef", BsonUndefined.Value },
        };
        var json = BsonJson.ToJson(bson);
        Assert.Equal(5L, json["i32"]!.GetValue<long>());
        Assert.Equal("2024-05-06T07:08:09.123Z", json["date"]!.GetValue<string>());
        Assert.Equal(oid.ToString(), json["oid"]!.GetValue<string>());
        Assert.Equal(12.5m, json["dec"]!.GetValue<decimal>());
        Assert.True(json.ContainsKey("undef"));
        Assert.Null(json["undef"]);
    }
}

public sealed class RawPayloadTests
{
    [Fact]
    public void A_raw_payload_is_written_as_its_original_text_and_converts_to_bson()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"title":"x\ud800y","emoji":"\ud83d\ude00","n":12,"big":123456789012345678901234,"nested":{"a":[1,2.5,null,true]}}""");
        var document = new JsonObject { ["type"] = "issues", ["payload"] = JsonValue.Create(new Pipeline.Storage.RawJson(doc.RootElement)) };

        var json = Pipeline.Storage.DocumentJson.Serialize("e1", document);
        Assert.Contains("""
            "payload":{"title":"x\ud800y"
            """.Trim(), json); // copied, not re-encoded (re-encoding would throw on the lone surrogate)
        Assert.Contains("\\uFFFD", Pipeline.Storage.DocumentJson.Serialize("e1", document, replaceNul: true));
        Assert.Equal(json, Pipeline.Storage.DocumentJson.Serialize("e1", JsonNode.Parse(json)!.AsObject()));

        var bson = BsonJson.ToBson("e1", document);
        var payload = bson["payload"].AsBsonDocument;
        Assert.Equal("x\uFFFDy", payload["title"].AsString);
        Assert.Equal("😀", payload["emoji"].AsString);
        Assert.Equal(12L, payload["n"].AsInt64);
        Assert.Equal(MongoDB.Bson.BsonType.Decimal128, payload["big"].BsonType);
        Assert.Equal(2.5, payload["nested"]["a"][1].AsDouble);
        Assert.Equal(MongoDB.Bson.BsonNull.Value, payload["nested"]["a"][2]);
        Assert.Equal("""{"type":"issues","payload":{"title":"x\ud800y","emoji":"\ud83d\ude00","n":12,"big":123456789012345678901234,"nested":{"a":[1,2.5,null,true]}}}""", document.ToJsonString());
    }
}
