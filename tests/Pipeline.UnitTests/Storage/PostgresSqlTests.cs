using System.Text.Json.Nodes;
using NpgsqlTypes;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;

namespace Pipeline.UnitTests.Storage;

/// <summary>The SQL PostgresStore generates: values always travel as parameters, paths are whitelisted before inlining.</summary>
public sealed class PostgresSqlTests
{
    [Fact]
    public void Field_paths_become_jsonb_expressions()
    {
        Assert.Equal("(doc->'repo')", PostgresSql.JsonPath("repo"));
        Assert.Equal("(doc #> '{issue,user,login}')", PostgresSql.JsonPath("issue.user.login"));
    }

    [Fact]
    public void Values_are_parameters_never_inlined()
    {
        var sql = new PostgresSql();
        var where = sql.Where([Filter.Eq("title", "x'); DROP TABLE events; --"), Filter.Gt("n", 5)]);
        Assert.DoesNotContain("DROP", where);
        Assert.Equal(2, sql.Parameters.Count);
        Assert.All(sql.Parameters, p => Assert.Equal(NpgsqlDbType.Jsonb, p.NpgsqlDbType));
        Assert.Equal("x'); DROP TABLE events; --", System.Text.Json.JsonSerializer.Deserialize<string>((string)sql.Parameters[0].Value!));
        Assert.Contains("jsonb_typeof((doc->'n')) = 'number'", where);
    }

    [Fact]
    public void Range_filters_are_guarded_by_the_value_type()
    {
        var sql = new PostgresSql();
        Assert.Contains("= 'string'", sql.Where([Filter.Lt("at", "2024")]));
        Assert.Contains("= 'boolean'", sql.Where([Filter.Gte("flag", true)]));
        Assert.Throws<ArgumentException>(() => sql.Where([new FieldFilter("n", FilterOp.Gt, null)]));
        Assert.Throws<ArgumentException>(() => sql.Where([new FieldFilter("n", FilterOp.Gt, new JsonArray())]));
    }

    [Fact]
    public void Id_filters_use_the_primary_key_column()
    {
        var sql = new PostgresSql();
        Assert.Equal("(id = @p0)", sql.Where([Filter.Eq("_id", "a")]));
        Assert.Equal("(id = ANY(@p1))", sql.Where([Filter.In("_id", ["a", "b"])]));
        Assert.Equal("(FALSE)", sql.Where([Filter.Eq("_id", 5)]));
    }

    [Theory]
    [InlineData("a'b")]
    [InlineData("a,b")]
    [InlineData("a}")]
    [InlineData("a b")]
    [InlineData("$where")]
    [InlineData("a..b")]
    [InlineData("")]
    public void Unsafe_paths_are_rejected(string path)
    {
        Assert.Throws<ArgumentException>(() => new PostgresSql().Where([Filter.Eq(path, 1)]));
        Assert.Throws<ArgumentException>(() => new PostgresSql().OrderBy(DocumentQuery.All.OrderBy(path)));
    }

    [Theory]
    [InlineData("events; drop table x")]
    [InlineData("Events")]
    [InlineData("\"events\"")]
    [InlineData("_x")]
    public void Unsafe_collection_names_are_rejected(string name) => Assert.Throws<ArgumentException>(() => PostgresSql.Table(name));

    [Fact]
    public void String_values_on_text_indexed_fields_compare_as_text_guarded_by_the_json_type()
    {
        var sql = new PostgresSql(new HashSet<string> { "repo", "at" });
        Assert.Equal("(((doc->>'repo') COLLATE \"C\") = @p0 AND jsonb_typeof((doc->'repo')) = 'string')", sql.Where([Filter.Eq("repo", "a/b")]));
        Assert.Equal(NpgsqlDbType.Text, sql.Parameters[0].NpgsqlDbType);
        Assert.Equal("a/b", sql.Parameters[0].Value);
        Assert.Equal("(jsonb_typeof((doc->'at')) = 'string' AND ((doc->>'at') COLLATE \"C\") >= @p1)", sql.Where([Filter.Gte("at", "2024")]));
        // Numbers on the same field, and fields without a text index, stay jsonb comparisons.
        Assert.Equal("((doc->'repo') = @p2)", sql.Where([Filter.Eq("repo", 5)]));
        Assert.Equal("((doc->'n') = @p3)", sql.Where([Filter.Eq("n", "5")]));
        Assert.Equal(" ORDER BY ((doc->>'at') COLLATE \"C\") DESC NULLS LAST, id COLLATE \"C\" DESC", sql.OrderBy(DocumentQuery.All.OrderBy("at", true)));
        Assert.Equal("((doc #>> '{a,b}') COLLATE \"C\")", PostgresSql.TextPath("a.b"));
    }

    [Fact]
    public void Sorting_puts_missing_values_first_ascending_and_breaks_ties_by_id()
    {
        Assert.Equal(" ORDER BY (doc->'n') ASC NULLS FIRST, id COLLATE \"C\" ASC", new PostgresSql().OrderBy(DocumentQuery.All.OrderBy("n")));
        Assert.Equal(" ORDER BY (doc->'n') DESC NULLS LAST, id COLLATE \"C\" DESC", new PostgresSql().OrderBy(DocumentQuery.All.OrderBy("n", true)));
        Assert.Equal(" LIMIT 5 OFFSET 10", PostgresSql.LimitOffset(DocumentQuery.All.Take(5) with { Skip = 10 }));
    }
}

public sealed class JsonbSanitizingTests
{
    [Theory]
    [InlineData("""{"a":"plain"}""", """{"a":"plain"}""")]
    [InlineData("""{"a":"x\u0000y"}""", """{"a":"x\uFFFDy"}""")]
    [InlineData("""{"a":"\\u0000"}""", """{"a":"\\u0000"}""")]
    [InlineData("""{"a":"\\\u0000"}""", """{"a":"\\\uFFFD"}""")]
    [InlineData("""{"a":"\ud800"}""", """{"a":"\uFFFD"}""")]
    [InlineData("""{"a":"\udc00x"}""", """{"a":"\uFFFDx"}""")]
    [InlineData("""{"a":"\ud83d\ude00"}""", """{"a":"\ud83d\ude00"}""")]
    [InlineData("""{"a":"\ud83d"}""", """{"a":"\uFFFD"}""")]
    [InlineData("""{"a":"\ud83d\u0041"}""", """{"a":"\uFFFD\u0041"}""")]
    [InlineData("""{"a":"\u00e9\n\"q\""}""", """{"a":"\u00e9\n\"q\""}""")]
    public void Only_what_jsonb_rejects_is_replaced(string input, string expected) =>
        Assert.Equal(expected, Pipeline.Storage.DocumentJson.SanitizeForJsonb(input));
}
