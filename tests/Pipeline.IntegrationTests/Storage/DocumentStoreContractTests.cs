using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Storage;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>
/// The contract every <see cref="IDocumentStore"/> adapter must meet, written once and run by one subclass per adapter
/// against a real server (PostgreSQL always; MongoDB when configured). Each test works in collections of its own.
/// </summary>
public abstract class DocumentStoreContractTests
{
    /// <summary>The adapter under test, shared by the tests of the class.</summary>
    protected abstract IDocumentStore Store { get; }

    /// <summary>An adapter pointed at a port where nothing listens.</summary>
    protected abstract IDocumentStore CreateUnreachableStore();

    private readonly string _prefix = "c" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A collection name unique to this test.</summary>
    protected string Coll(string name = "docs") => $"{_prefix}_{name}";

    private static JsonObject Doc(string json) => JsonNode.Parse(json)!.AsObject();

    private static KeyValuePair<string, JsonObject> Kv(string id, string json) => new(id, Doc(json));

    private async Task<string> SeedAsync(params (string Id, string Json)[] docs)
    {
        var coll = Coll();
        await Store.UpsertManyAsync(coll, docs.Select(d => Kv(d.Id, d.Json)).ToList());
        return coll;
    }

    private async Task<string[]> IdsAsync(string coll, DocumentQuery query) =>
        (await Store.FindAsync(coll, query)).Select(d => d["_id"]!.GetValue<string>()).ToArray();

    private async Task<string[]> SortedIdsAsync(string coll, params FieldFilter[] filters) =>
        (await IdsAsync(coll, DocumentQuery.Where(filters))).OrderBy(i => i, StringComparer.Ordinal).ToArray();

    // ---- writes ----

    [StoreFact]
    public async Task Upsert_inserts_then_replaces_and_reports_which()
    {
        var coll = Coll();
        Assert.True(await Store.UpsertAsync(coll, "a", Doc("""{"n":1,"keep":"x"}""")));
        Assert.False(await Store.UpsertAsync(coll, "a", Doc("""{"n":2}""")));
        var doc = await Store.GetAsync(coll, "a");
        Assert.NotNull(doc);
        Assert.Equal("a", doc!["_id"]!.GetValue<string>());
        Assert.Equal(2, doc["n"]!.GetValue<long>());
        Assert.Null(doc["keep"]); // replaced whole, not merged
        Assert.Equal(1, await Store.CountAsync(coll));
    }

    [StoreFact]
    public async Task The_id_argument_wins_over_an_id_in_the_document_and_the_callers_document_is_not_changed()
    {
        var coll = Coll();
        var input = Doc("""{"_id":"other","v":1}""");
        await Store.UpsertAsync(coll, "real", input);
        Assert.Equal("other", input["_id"]!.GetValue<string>());
        Assert.Null(await Store.GetAsync(coll, "other"));
        Assert.Equal("real", (await Store.GetAsync(coll, "real"))!["_id"]!.GetValue<string>());
    }

    [StoreFact]
    public async Task InsertIfAbsent_keeps_the_first_document()
    {
        var coll = Coll();
        Assert.True(await Store.InsertIfAbsentAsync(coll, "e1", Doc("""{"v":"first"}""")));
        Assert.False(await Store.InsertIfAbsentAsync(coll, "e1", Doc("""{"v":"second"}""")));
        Assert.Equal("first", (await Store.GetAsync(coll, "e1"))!["v"]!.GetValue<string>());
        Assert.Equal(1, await Store.CountAsync(coll));
    }

    [StoreFact]
    public async Task InsertManyIfAbsent_returns_only_the_new_ids_in_input_order()
    {
        var coll = Coll();
        await Store.InsertIfAbsentAsync(coll, "b", Doc("""{"v":"old"}"""));
        var inserted = await Store.InsertManyIfAbsentAsync(coll,
        [
            Kv("c", """{"v":"c"}"""), Kv("b", """{"v":"new"}"""), Kv("a", """{"v":"a1"}"""), Kv("a", """{"v":"a2"}"""),
        ]);
        Assert.Equal(["c", "a"], inserted);
        Assert.Equal("old", (await Store.GetAsync(coll, "b"))!["v"]!.GetValue<string>());
        Assert.Equal("a1", (await Store.GetAsync(coll, "a"))!["v"]!.GetValue<string>()); // first of a batch wins
        Assert.Equal(3, await Store.CountAsync(coll));
        Assert.Empty(await Store.InsertManyIfAbsentAsync(coll, [Kv("a", "{}"), Kv("b", "{}"), Kv("c", "{}")]));
        Assert.Empty(await Store.InsertManyIfAbsentAsync(coll, []));
    }

    [StoreFact]
    public async Task UpsertMany_counts_new_documents_and_the_last_duplicate_in_a_batch_wins()
    {
        var coll = Coll();
        await Store.UpsertAsync(coll, "x", Doc("""{"v":0}"""));
        var created = await Store.UpsertManyAsync(coll, [Kv("x", """{"v":1}"""), Kv("y", """{"v":1}"""), Kv("y", """{"v":2}"""), Kv("z", """{"v":1}""")]);
        Assert.Equal(2, created);
        Assert.Equal(1, (await Store.GetAsync(coll, "x"))!["v"]!.GetValue<long>());
        Assert.Equal(2, (await Store.GetAsync(coll, "y"))!["v"]!.GetValue<long>());
        Assert.Equal(3, await Store.CountAsync(coll));
    }

    [StoreFact]
    public async Task Batches_larger_than_one_statement_are_written_whole()
    {
        var coll = Coll();
        var docs = Enumerable.Range(0, 12_000).Select(i => Kv($"id{i:D5}", $$"""{"i":{{i}}}""")).ToList();
        var inserted = await Store.InsertManyIfAbsentAsync(coll, docs);
        Assert.Equal(12_000, inserted.Count);
        Assert.Equal(12_000, await Store.CountAsync(coll));
        Assert.Equal(0, await Store.UpsertManyAsync(coll, docs));
        Assert.Equal(11_999, (await Store.GetAsync(coll, "id11999"))!["i"]!.GetValue<long>());
    }

    [StoreFact]
    public async Task A_collection_that_was_never_created_reads_as_empty()
    {
        var coll = Coll("never");
        Assert.Null(await Store.GetAsync(coll, "x"));
        Assert.Empty(await Store.FindAsync(coll, DocumentQuery.All));
        Assert.Equal(0, await Store.CountAsync(coll));
        Assert.False(await Store.DeleteAsync(coll, "x"));
        Assert.Equal(0, await Store.DeleteManyAsync(coll, DocumentQuery.All));
    }

    [StoreFact]
    public async Task Delete_and_DeleteMany_remove_exactly_the_matching_documents()
    {
        var coll = await SeedAsync(("a", """{"k":1}"""), ("b", """{"k":2}"""), ("c", """{"k":2}"""), ("d", """{"k":3}"""));
        Assert.True(await Store.DeleteAsync(coll, "a"));
        Assert.False(await Store.DeleteAsync(coll, "a"));
        Assert.Equal(2, await Store.DeleteManyAsync(coll, DocumentQuery.Where(Filter.Eq("k", 2))));
        Assert.Equal(["d"], await SortedIdsAsync(coll));
    }

    // ---- values ----

    [StoreFact]
    public async Task Json_types_round_trip()
    {
        var coll = Coll();
        const string json = """
            {"big":9007199254740993,"neg":-42,"zero":0,"dbl":0.1,"exp":1.5e300,"whole":5.0,"t":true,"f":false,"nul":null,
             "s":"text","empty":"","arr":[1,"two",[3],{"four":4},null],"obj":{"a":{"b":{"c":"deep"}}},"eo":{},"ea":[]}
            """;
        await Store.UpsertAsync(coll, "types", Doc(json));
        var back = (await Store.GetAsync(coll, "types"))!;
        Assert.Equal(9007199254740993L, back["big"]!.GetValue<long>());
        Assert.Equal(-42L, back["neg"]!.GetValue<long>());
        Assert.Equal(0.1, back["dbl"]!.GetValue<double>());
        Assert.Equal(1.5e300, back["exp"]!.GetValue<double>());
        Assert.Equal(5.0, back["whole"]!.GetValue<double>());
        Assert.True(back["t"]!.GetValue<bool>());
        Assert.False(back["f"]!.GetValue<bool>());
        Assert.True(back.ContainsKey("nul"));
        Assert.Null(back["nul"]);
        Assert.Equal("", back["empty"]!.GetValue<string>());
        Assert.Equal("""[1,"two",[3],{"four":4},null]""", back["arr"]!.ToJsonString());
        Assert.Equal("deep", back["obj"]!["a"]!["b"]!["c"]!.GetValue<string>());
        Assert.Equal("{}", back["eo"]!.ToJsonString());
        Assert.Equal("[]", back["ea"]!.ToJsonString());
    }

    [StoreFact]
    public async Task Unicode_text_round_trips_and_matches_in_filters()
    {
        var coll = Coll();
        const string text = "Zürich 東京 مرحبا 😀👩‍💻 e\u0301 \"quoted\" back\\slash \t tab\nnewline";
        await Store.UpsertAsync(coll, "u1", new JsonObject { ["s"] = text, ["k"] = "naïve" });
        await Store.UpsertAsync(coll, "u2", new JsonObject { ["s"] = "plain", ["k"] = "naive" });
        Assert.Equal(text, (await Store.GetAsync(coll, "u1"))!["s"]!.GetValue<string>());
        Assert.Equal(["u1"], await SortedIdsAsync(coll, Filter.Eq("k", "naïve")));
        Assert.Equal(["u1"], await SortedIdsAsync(coll, Filter.Eq("s", text)));
        // Unicode ids too.
        await Store.UpsertAsync(coll, "ключ/🔑", new JsonObject { ["v"] = 1 });
        Assert.NotNull(await Store.GetAsync(coll, "ключ/🔑"));
    }

    [StoreFact]
    public async Task A_one_megabyte_document_round_trips()
    {
        var coll = Coll();
        var big = new StringBuilder();
        var random = new Random(7);
        while (big.Length < 1_048_576) big.Append((char)random.Next('a', 'z' + 1));
        var array = new JsonArray(Enumerable.Range(0, 2000).Select(i => (JsonNode?)new JsonObject { ["i"] = i, ["s"] = "item " + i }).ToArray());
        await Store.UpsertAsync(coll, "big", new JsonObject { ["body"] = big.ToString(), ["items"] = array });
        var back = (await Store.GetAsync(coll, "big"))!;
        Assert.Equal(big.ToString(), back["body"]!.GetValue<string>());
        Assert.Equal(2000, back["items"]!.AsArray().Count);
        Assert.Equal("item 1999", back["items"]![1999]!["s"]!.GetValue<string>());
    }

    // ---- filters ----

    private Task<string> SeedFilterDocsAsync() => SeedAsync(
        ("n5", """{"n":5,"s":"5","tag":"x","flag":true,"nested":{"level":{"value":10}},"when":"2024-01-10T00:00:00.000Z"}"""),
        ("n5d", """{"n":5.0,"s":"five","tag":"y","flag":false,"nested":{"level":{"value":9}},"when":"2024-02-10T00:00:00.000Z"}"""),
        ("n9", """{"n":9,"s":"9","tag":"x","nested":{"level":{"value":100}},"when":"2024-03-10T12:30:00.000Z"}"""),
        ("n10", """{"n":10,"s":"10","tag":null,"when":"2025-01-01T00:00:00.000Z"}"""),
        ("none", """{"s":"abc","flag":true}"""));

    [StoreFact]
    public async Task Eq_compares_numbers_numerically_and_never_matches_across_types()
    {
        var coll = await SeedFilterDocsAsync();
        Assert.Equal(["n5", "n5d"], await SortedIdsAsync(coll, Filter.Eq("n", 5)));
        Assert.Equal(["n5", "n5d"], await SortedIdsAsync(coll, Filter.Eq("n", 5.0)));
        Assert.Empty(await SortedIdsAsync(coll, Filter.Eq("n", "5")));
        Assert.Equal(["n5"], await SortedIdsAsync(coll, Filter.Eq("s", "5")));
        Assert.Empty(await SortedIdsAsync(coll, Filter.Eq("s", 5)));
    }

    [StoreFact]
    public async Task Range_filters_compare_numbers_as_numbers_and_strings_as_text()
    {
        var coll = await SeedFilterDocsAsync();
        Assert.Equal(["n10", "n9"], await SortedIdsAsync(coll, Filter.Gt("n", 5)));
        Assert.Equal(["n10", "n5", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Gte("n", 5)));
        Assert.Equal(["n5", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Lt("n", 10)));
        Assert.Equal(["n5", "n5d"], await SortedIdsAsync(coll, Filter.Lte("n", 5.5)));
        // As text "10" < "5" < "9": a string range only sees strings.
        Assert.Equal(["n10", "n5"], await SortedIdsAsync(coll, Filter.Lte("s", "5")));
        Assert.Equal(["n5d", "n9", "none"], await SortedIdsAsync(coll, Filter.Gt("s", "5")));
    }

    [StoreFact]
    public async Task Iso_timestamps_support_range_queries()
    {
        var coll = await SeedFilterDocsAsync();
        var from = Filter.Gte("when", Filter.Timestamp(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        var to = Filter.Lt("when", Filter.Timestamp(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(["n5d", "n9"], await SortedIdsAsync(coll, from, to));
        Assert.Equal("2024-03-10T12:30:00.000Z", StoreTime.Format(new DateTimeOffset(2024, 3, 10, 14, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal(["n9"], await SortedIdsAsync(coll, Filter.Eq("when", Filter.Timestamp(new DateTimeOffset(2024, 3, 10, 14, 30, 0, TimeSpan.FromHours(2))))));
    }

    [StoreFact]
    public async Task Nested_paths_filter_and_sort()
    {
        var coll = await SeedFilterDocsAsync();
        Assert.Equal(["n9"], await SortedIdsAsync(coll, Filter.Gt("nested.level.value", 10)));
        Assert.Equal(["n5"], await SortedIdsAsync(coll, Filter.Eq("nested.level.value", 10)));
        Assert.Equal(["n5", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Exists("nested.level.value")));
        var sorted = await IdsAsync(coll, DocumentQuery.Where(Filter.Exists("nested.level")).OrderBy("nested.level.value", descending: true));
        Assert.Equal(["n9", "n5", "n5d"], sorted);
    }

    [StoreFact]
    public async Task Bool_Ne_In_Exists_and_null_follow_MongoDB_semantics()
    {
        var coll = await SeedFilterDocsAsync();
        Assert.Equal(["n5", "none"], await SortedIdsAsync(coll, Filter.Eq("flag", true)));
        Assert.Equal(["n5d"], await SortedIdsAsync(coll, Filter.Eq("flag", false)));
        // Ne also matches documents without the field.
        Assert.Equal(["n10", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Ne("flag", true)));
        Assert.Equal(["n10", "n5d", "none"], await SortedIdsAsync(coll, Filter.Ne("tag", "x")));
        // Eq null matches an explicit null and a missing field; Ne null the rest.
        Assert.Equal(["n10", "none"], await SortedIdsAsync(coll, Filter.Eq("tag", null)));
        Assert.Equal(["n5", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Ne("tag", null)));
        Assert.Equal(["n10", "n5", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Exists("tag")));
        Assert.Equal(["none"], await SortedIdsAsync(coll, Filter.Exists("tag", false)));
        Assert.Equal(["n10", "n9"], await SortedIdsAsync(coll, Filter.In("n", [JsonValue.Create(9), JsonValue.Create(10), JsonValue.Create("5")])));
        Assert.Equal(["n5", "n9", "none"], await SortedIdsAsync(coll, Filter.In("s", ["5", "9", "abc"])));
        Assert.Equal(["n10", "n5d", "none"], await SortedIdsAsync(coll, Filter.In("tag", [JsonValue.Create("y"), null])));
        Assert.Empty(await SortedIdsAsync(coll, Filter.In("s", Array.Empty<string>())));
        // Several filters: all must match.
        Assert.Equal(["n9"], await SortedIdsAsync(coll, Filter.Eq("tag", "x"), Filter.Gt("n", 5)));
    }

    [StoreFact]
    public async Task Filters_on_id_use_the_key()
    {
        var coll = await SeedFilterDocsAsync();
        Assert.Equal(["n9"], await SortedIdsAsync(coll, Filter.Eq("_id", "n9")));
        Assert.Equal(["n10", "none"], await SortedIdsAsync(coll, Filter.In("_id", ["none", "n10", "missing"])));
        Assert.Equal(["n5", "n5d", "n9", "none"], await SortedIdsAsync(coll, Filter.Ne("_id", "n10")));
        Assert.Equal(["n5", "n5d", "n9"], await SortedIdsAsync(coll, Filter.Gte("_id", "n5"), Filter.Lt("_id", "none")));
    }

    [StoreFact]
    public async Task Malformed_filters_are_rejected()
    {
        var coll = await SeedFilterDocsAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindAsync(coll, DocumentQuery.Where(new FieldFilter("n", FilterOp.Gt, null))));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindAsync(coll, DocumentQuery.Where(new FieldFilter("n", FilterOp.In, JsonValue.Create(1)))));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindAsync(coll, DocumentQuery.Where(Filter.Eq("a'; DROP TABLE x; --", 1))));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindAsync(coll, DocumentQuery.All.OrderBy("x}'")));
    }

    [StoreFact]
    public async Task Collection_names_are_whitelisted()
    {
        foreach (var bad in new[] { "Events", "a-b", "x\"; DROP TABLE events; --", "", "1abc", "a.b", new string('a', 64) })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(bad, "id", new JsonObject()));
        }
    }

    // ---- sort, paging, count, projection ----

    [StoreFact]
    public async Task Sort_skip_and_limit_page_through_results()
    {
        var coll = await SeedAsync(("a", """{"n":10}"""), ("b", """{"n":2}"""), ("c", """{"n":33}"""), ("d", """{"n":4}"""), ("e", """{"x":1}"""));
        // Numbers sort numerically; a missing field sorts first ascending and last descending.
        Assert.Equal(["e", "b", "d", "a", "c"], await IdsAsync(coll, DocumentQuery.All.OrderBy("n")));
        Assert.Equal(["c", "a", "d", "b", "e"], await IdsAsync(coll, DocumentQuery.All.OrderBy("n", descending: true)));
        Assert.Equal(["d", "a"], await IdsAsync(coll, DocumentQuery.All.OrderBy("n") with { Skip = 2, Limit = 2 }));
        Assert.Equal(["c", "a"], await IdsAsync(coll, DocumentQuery.Where(Filter.Exists("n")).OrderBy("n", true).Take(2)));
        Assert.Empty(await IdsAsync(coll, DocumentQuery.All.OrderBy("n") with { Skip = 10 }));
        Assert.Empty(await IdsAsync(coll, DocumentQuery.All.Take(0)));
        Assert.Equal(["e", "d"], await IdsAsync(coll, DocumentQuery.All.OrderBy("_id", descending: true).Take(2)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.FindAsync(coll, DocumentQuery.All.Take(-1)));
    }

    [StoreFact]
    public async Task Count_applies_filters_and_ignores_paging()
    {
        var coll = await SeedFilterDocsAsync();
        Assert.Equal(5, await Store.CountAsync(coll));
        Assert.Equal(2, await Store.CountAsync(coll, DocumentQuery.Where(Filter.Eq("tag", "x")).Take(1)));
        Assert.Equal(3, await Store.CountAsync(coll, DocumentQuery.Where(Filter.Gte("n", 9)) with { Skip = 1 }) + 1);
    }

    [StoreFact]
    public async Task Selected_fields_return_only_those_plus_the_id()
    {
        var coll = await SeedFilterDocsAsync();
        var docs = await Store.FindAsync(coll, DocumentQuery.Where(Filter.Eq("_id", "n5")).Select("tag", "flag", "absent"));
        var doc = Assert.Single(docs);
        Assert.Equal(["_id", "flag", "tag"], doc.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal));
        var idsOnly = Assert.Single(await Store.FindAsync(coll, DocumentQuery.Where(Filter.Eq("_id", "n9")).Select("_id")));
        Assert.Equal(["_id"], idsOnly.Select(p => p.Key));
    }

    // ---- schema ----

    [StoreFact]
    public async Task EnsureCollections_is_idempotent_and_unique_indexes_hold()
    {
        var coll = Coll("indexed");
        var definition = new CollectionDefinition(coll,
            new IndexDefinition("by_email", ["email"], Unique: true),
            new IndexDefinition("by_repo_time", ["repo", "meta.at"]),
            new IndexDefinition("pk", ["_id"], Unique: true));
        await Store.EnsureCollectionsAsync([definition]);
        await Store.EnsureCollectionsAsync([definition]);
        Assert.True(await Store.InsertIfAbsentAsync(coll, "u1", Doc("""{"email":"a@example.com","repo":"r","meta":{"at":"2024-01-01T00:00:00.000Z"}}""")));
        Assert.False(await Store.UpsertAsync(coll, "u1", Doc("""{"email":"a@example.com","repo":"r2"}""")));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.UpsertAsync(coll, "u2", Doc("""{"email":"a@example.com"}""")));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.InsertIfAbsentAsync(coll, "u3", Doc("""{"email":"a@example.com"}""")));
        Assert.Equal(1, await Store.CountAsync(coll));
        Assert.Equal(["u1"], await SortedIdsAsync(coll, Filter.Eq("repo", "r2")));
    }

    [StoreFact]
    public async Task The_default_schema_can_be_ensured_twice()
    {
        await StoreSchema.EnsureAsync(Store);
        await StoreSchema.EnsureAsync(Store);
        Assert.Equal(0, await Store.CountAsync(Pipeline.Domain.Collections.PollerState, DocumentQuery.Where(Filter.Eq("_id", "no-such-state"))));
    }

    // ---- concurrency ----

    [StoreFact]
    public async Task Parallel_insert_if_absent_of_one_id_has_exactly_one_winner()
    {
        var coll = Coll();
        await Store.EnsureCollectionsAsync([new CollectionDefinition(coll)]);
        for (var round = 0; round < 5; round++)
        {
            var id = "race" + round;
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
                Task.Run(() => Store.InsertIfAbsentAsync(coll, id, new JsonObject { ["writer"] = i }))));
            Assert.Equal(1, results.Count(r => r));
            var winner = Array.IndexOf(results, true);
            Assert.Equal(winner, (await Store.GetAsync(coll, id))!["writer"]!.GetValue<long>());
        }
    }

    [StoreFact]
    public async Task Parallel_overlapping_batches_insert_each_id_exactly_once()
    {
        var coll = Coll();
        await Store.EnsureCollectionsAsync([new CollectionDefinition(coll)]);
        var batches = Enumerable.Range(0, 8).Select(b =>
            Enumerable.Range(b * 50, 200).Select(i => Kv($"e{i:D4}", $$"""{"batch":{{b}}}""")).ToList()).ToList();
        var results = await Task.WhenAll(batches.Select(batch => Task.Run(() => Store.InsertManyIfAbsentAsync(coll, batch))));
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(550, all.Count);
        Assert.Equal(550, await Store.CountAsync(coll));
    }

    // ---- outage ----

    [StoreFact]
    public async Task An_unreachable_server_raises_StoreUnavailableException()
    {
        var store = CreateUnreachableStore();
        try
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync());
            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync("events", "x", new JsonObject()));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.FindAsync("events", DocumentQuery.All));
        }
        finally
        {
            switch (store)
            {
                case IAsyncDisposable ad: await ad.DisposeAsync(); break;
                case IDisposable d: d.Dispose(); break;
            }
        }
    }
}
