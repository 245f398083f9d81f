using System.Text.Json.Nodes;
using MongoDB.Bson;
using Pipeline.Storage;
using Pipeline.Storage.Mongo;

namespace Pipeline.UnitTests.Storage;

/// <summary>What MongoStore sends to the server for each filter (rendered by the real driver).</summary>
public sealed class MongoQueryTests
{
    private static string Render(params FieldFilter[] filters) =>
        MongoQuery.Render(MongoQuery.Filter(filters)).ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });

    [Fact]
    public void Each_operator_maps_to_its_MongoDB_query_operator()
    {
        Assert.Equal("""{ "repo" : "a/b" }""", Render(Filter.Eq("repo", "a/b")));
        Assert.Equal("""{ "n" : 5 }""", Render(Filter.Eq("n", 5)));
        Assert.Equal("""{ "n" : { "$ne" : 5 } }""", Render(Filter.Ne("n", 5)));
        Assert.Equal("""{ "n" : { "$gt" : 1.5 } }""", Render(Filter.Gt("n", 1.5)));
        Assert.Equal("""{ "at" : { "$gte" : "2024-01-01T00:00:00.000Z" } }""", Render(Filter.Gte("at", "2024-01-01T00:00:00.000Z")));
        Assert.Equal("""{ "n" : { "$lt" : 3 } }""", Render(Filter.Lt("n", 3)));
        Assert.Equal("""{ "n" : { "$lte" : 3 } }""", Render(Filter.Lte("n", 3)));
        Assert.Equal("""{ "t" : { "$in" : ["a", null, 2] } }""", Render(Filter.In("t", [JsonValue.Create("a"), null, JsonValue.Create(2)])));
        Assert.Equal("""{ "x" : { "$exists" : true } }""", Render(Filter.Exists("x")));
        Assert.Equal("""{ "x" : { "$exists" : false } }""", Render(Filter.Exists("x", false)));
        Assert.Equal("""{ "x" : null }""", Render(Filter.Eq("x", null)));
        Assert.Equal("""{ "issue.user.login" : "octocat" }""", Render(Filter.Eq("issue.user.login", "octocat")));
        Assert.Equal("{ }", Render());
        Assert.Equal("""{ "a" : 1, "b" : { "$gt" : 2 } }""", Render(Filter.Eq("a", 1), Filter.Gt("b", 2)));
    }

    [Fact]
    public void Numbers_keep_their_type_so_the_server_compares_them_numerically()
    {
        var rendered = MongoQuery.Render(MongoQuery.Filter([Filter.Eq("n", JsonNode.Parse("5")!)]));
        Assert.Equal(BsonType.Int64, rendered["n"].BsonType);
        rendered = MongoQuery.Render(MongoQuery.Filter([Filter.Eq("n", JsonNode.Parse("5.0")!)]));
        Assert.Equal(BsonType.Double, rendered["n"].BsonType);
    }

    [Fact]
    public void Malformed_filters_are_rejected_like_the_postgres_adapter_does()
    {
        Assert.Throws<ArgumentException>(() => MongoQuery.Filter([new FieldFilter("n", FilterOp.Gt, null)]));
        Assert.Throws<ArgumentException>(() => MongoQuery.Filter([new FieldFilter("n", FilterOp.Lt, new JsonObject())]));
        Assert.Throws<ArgumentException>(() => MongoQuery.Filter([new FieldFilter("n", FilterOp.In, JsonValue.Create("x"))]));
        Assert.Throws<ArgumentException>(() => MongoQuery.Filter([Filter.Eq("$where", "1")]));
        Assert.Throws<ArgumentException>(() => MongoQuery.Filter([Filter.Eq("a..b", 1)]));
        Assert.Throws<ArgumentException>(() => MongoQuery.Projection(["a.b"]));
    }

    [Fact]
    public void Sort_and_projection_map_to_builders()
    {
        Assert.Null(MongoQuery.Sort(DocumentQuery.All));
        Assert.NotNull(MongoQuery.Sort(DocumentQuery.All.OrderBy("received_at", descending: true)));
        Assert.Null(MongoQuery.Projection(null));
        Assert.NotNull(MongoQuery.Projection(["type", "repo"]));
    }
}
