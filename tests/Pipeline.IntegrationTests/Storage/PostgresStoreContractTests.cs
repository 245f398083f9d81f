using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>The store contract against <see cref="PostgresStore"/> on a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresFixture postgres) : DocumentStoreContractTests, IAsyncLifetime
{
    private PostgresStore? _store;

    protected override IDocumentStore Store => _store!;

    public async Task InitializeAsync() => _store = new PostgresStore(await postgres.CreateDatabaseAsync("contract"));

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    protected override IDocumentStore CreateUnreachableStore() =>
        new PostgresStore($"Host=127.0.0.1;Port={PortFinder.FreeTcpPort()};Username=postgres;Database=x;Timeout=2");

    [StoreFact]
    public async Task Server_stopped_then_started_surfaces_unavailable_then_works_again()
    {
        // Its own server: stopping the shared one would disturb other tests.
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
        await using var store = new PostgresStore(server.ConnectionString);
        await store.UpsertAsync("outage", "before", new JsonObject { ["v"] = 1 });
        // Several pooled connections, so a dead pool is exercised after the restart.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.GetAsync("outage", "before")));

        await server.StopServerAsync();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync("outage", "during", new JsonObject()));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("outage", "before"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync());

        await server.StartServerAsync();
        Assert.True(await store.UpsertAsync("outage", "after", new JsonObject { ["v"] = 2 }));
        Assert.Equal(1, (await store.GetAsync("outage", "before"))!["v"]!.GetValue<long>());
        Assert.Equal(2, await store.CountAsync("outage"));
        Assert.Null(await store.GetAsync("outage", "during"));
    }

    [StoreFact]
    public async Task Nul_characters_which_jsonb_cannot_hold_are_replaced_not_rejected()
    {
        var coll = Coll();
        await Store.UpsertAsync(coll, "nul", new JsonObject { ["s"] = "a\u0000b", ["literal"] = "\\u0000" });
        var back = (await Store.GetAsync(coll, "nul"))!;
        Assert.Equal("a\uFFFDb", back["s"]!.GetValue<string>());
        Assert.Equal("\\u0000", back["literal"]!.GetValue<string>());
        Assert.Equal(["nul"], (await Store.FindAsync(coll, DocumentQuery.Where(Filter.Eq("s", "a\u0000b")))).Select(d => d["_id"]!.GetValue<string>()));
    }

    [StoreFact]
    public async Task Unpaired_surrogates_which_jsonb_rejects_are_replaced_and_pairs_kept()
    {
        var coll = Coll();
        // As GitHub sends them: escapes in JSON text (parsed, element-backed) and lone surrogates in .NET strings.
        var parsed = JsonNode.Parse("""{"lone":"x\ud800y","low":"\udc00","pair":"\ud83d\ude00","tail":"z\ud83d"}""")!.AsObject();
        await Store.UpsertAsync(coll, "parsed", parsed);
        await Store.UpsertAsync(coll, "string", new JsonObject { ["lone"] = "x\uD800y" });
        var back = (await Store.GetAsync(coll, "parsed"))!;
        Assert.Equal("x\uFFFDy", back["lone"]!.GetValue<string>());
        Assert.Equal("\uFFFD", back["low"]!.GetValue<string>());
        Assert.Equal("😀", back["pair"]!.GetValue<string>());
        Assert.Equal("z\uFFFD", back["tail"]!.GetValue<string>());
        Assert.Equal("x\uFFFDy", (await Store.GetAsync(coll, "string"))!["lone"]!.GetValue<string>());
    }
}

/// <summary>The indexes the schema creates are the ones PostgreSQL's planner picks for the app's queries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIndexUsageTests(PostgresFixture postgres)
{
    private static async Task<string> ExplainAsync(string connectionString, string collection, DocumentQuery query)
    {
        var (sql, parameters) = PostgresSql.Select(collection, query);
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using (var off = new Npgsql.NpgsqlCommand("SET enable_seqscan = off", conn)) await off.ExecuteNonQueryAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("EXPLAIN " + sql, conn);
        cmd.Parameters.AddRange(parameters);
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task Event_queries_use_the_schema_indexes()
    {
        var cs = await postgres.CreateDatabaseAsync("explain");
        await using var store = new PostgresStore(cs);
        await StoreSchema.EnsureAsync(store);
        var docs = Enumerable.Range(0, 3000).Select(i => new KeyValuePair<string, JsonObject>("e" + i, new JsonObject
        {
            ["repo"] = "r" + (i % 300),
            ["type"] = i % 2 == 0 ? "push" : "issues",
            ["received_at"] = StoreTime.Format(DateTimeOffset.UnixEpoch.AddMinutes(i)),
            ["created_at"] = StoreTime.Format(DateTimeOffset.UnixEpoch.AddMinutes(i)),
        }.Also(d => { if (i % 10 == 0) d["delivery_id"] = "d" + i; }))).ToList();
        await store.UpsertManyAsync("events", docs);
        await SqlScalarAsync(cs, "ANALYZE events");

        Assert.Contains("events__delivery_id_text", await ExplainAsync(cs, "events", DocumentQuery.Where(Filter.Eq("delivery_id", "d10"))));
        Assert.Contains("events__repo_text", await ExplainAsync(cs, "events", DocumentQuery.Where(Filter.Eq("repo", "r7"))));
        Assert.Contains("events__repo_text", await ExplainAsync(cs, "events", DocumentQuery.Where(Filter.In("repo", ["r7", "r8"]))));
        Assert.Contains("events__received_at_text", await ExplainAsync(cs, "events", DocumentQuery.All.OrderBy("received_at", descending: true).Take(50)));
        // The event list: newest received first, filtered by type (no index of its own) or repository.
        Assert.Contains("events__received_at_text", await ExplainAsync(cs, "events",
            DocumentQuery.Where(Filter.Eq("type", "push")).OrderBy("received_at", descending: true).Take(50)));
        Assert.Contains("events__received_at_text", await ExplainAsync(cs, "events",
            DocumentQuery.Where(Filter.Gte("received_at", "1970-01-02T00:00:00.000Z"))));
        Assert.Contains("events__created_at_text", await ExplainAsync(cs, "events",
            DocumentQuery.Where(Filter.Gte("created_at", "1970-01-02T00:00:00.000Z"), Filter.Lt("created_at", "1970-01-02T01:00:00.000Z"))));
        Assert.Contains("events__created_at_text", await ExplainAsync(cs, "events", DocumentQuery.All.OrderBy("created_at").Take(1)));
        Assert.Contains("events_pkey", await ExplainAsync(cs, "events", DocumentQuery.Where(Filter.In("_id", ["e1", "e2"]))));

        // The sparse index still answers "which events have a delivery id"; events without one are found too.
        Assert.Equal(300, await store.CountAsync("events", DocumentQuery.Where(Filter.Exists("delivery_id"))));
        Assert.Equal(2700, await store.CountAsync("events", DocumentQuery.Where(Filter.Exists("delivery_id", false))));
    }

    [Fact]
    public async Task Prediction_log_queries_use_its_indexes_and_a_new_entry_enters_only_two_besides_the_key()
    {
        var cs = await postgres.CreateDatabaseAsync("explainpredictions");
        await using var store = new PostgresStore(cs);
        await store.EnsureCollectionsAsync(StoreSchema.Merge(Pipeline.ML.MlCollections.Definitions));
        var models = new[] { "issue-labeler", "time-to-close" };
        // Logged as PredictionLogEntry writes them; every third one later resolved as ContinuousEvaluator does (resolved,
        // resolved_at, outcome), every thirtieth of those expired.
        var docs = Enumerable.Range(0, 3000).Select(i =>
        {
            var at = StoreTime.Format(DateTimeOffset.UnixEpoch.AddMinutes(i));
            var doc = new JsonObject { ["model"] = models[i % 2], ["version"] = 1 + i / 7 % 3, ["created_at"] = at, ["issue_ref"] = "o/r#" + i, ["resolved"] = false };
            if (i % 3 == 0)
            {
                doc["resolved"] = true;
                doc["resolved_at"] = at;
                if (i % 90 == 0) doc["expired"] = true;
            }
            return new KeyValuePair<string, JsonObject>($"{i:D6}-p", doc);
        }).ToList();
        await store.UpsertManyAsync(Collections.Predictions, docs);
        // VACUUM too: it sets each index's reltuples to the entries it holds (read below).
        await SqlScalarAsync(cs, "VACUUM ANALYZE predictions");

        // The queries exactly as the monitor and the evaluator build them.
        Assert.Contains("predictions__predictions_model_created", await ExplainAsync(cs, Collections.Predictions,
            Pipeline.ML.Monitoring.ModelMonitor.DriftWindowQuery("issue-labeler", "1970-01-01T10:00:00.000Z", 500)));
        Assert.Contains("predictions__predictions_resolved_id", await ExplainAsync(cs, Collections.Predictions,
            Pipeline.ML.Monitoring.ContinuousEvaluator.PendingPage("001000-p", 200)));
        Assert.Contains("predictions__predictions_model_version_resolved_at", await ExplainAsync(cs, Collections.Predictions,
            Pipeline.ML.Monitoring.ContinuousEvaluator.LiveWindow("time-to-close", 2, 500)));
        // The live window reads resolved documents only, the rest of its filter intact.
        var live = await store.FindAsync(Collections.Predictions, Pipeline.ML.Monitoring.ContinuousEvaluator.LiveWindow("time-to-close", 2, 500));
        var expected = docs.Where(d => d.Value["model"]!.GetValue<string>() == "time-to-close" && d.Value["version"]!.GetValue<int>() == 2
            && d.Value["resolved"]!.GetValue<bool>() && d.Value["expired"] is null).Select(d => d.Key).Reverse().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, live.Select(d => d["_id"]!.GetValue<string>()).ToList());

        // What a new log entry costs: the partial index of resolved documents holds exactly the resolved ones.
        Assert.Equal(1000L, (long)(await SqlScalarAsync(cs, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'predictions__predictions_model_version_resolved_at'"))!);
    }

    [Fact]
    public async Task A_data_directory_with_the_earlier_jsonb_indexes_is_migrated_on_start()
    {
        var cs = await postgres.CreateDatabaseAsync("migrate");
        await using var store = new PostgresStore(cs);
        // The events collection as releases before the text indexes created it.
        var earlier = new CollectionDefinition("events", new[] { "repo", "type", "created_at", "received_at" }
            .Select(f => new IndexDefinition(f, [f])).Append(new IndexDefinition("delivery_id", ["delivery_id"]) { Sparse = true }).ToList());
        await store.EnsureCollectionsAsync([earlier]);
        await store.UpsertAsync("events", "e1", new JsonObject { ["repo"] = "a/b", ["type"] = "push", ["received_at"] = "2026-01-01T00:00:00.000Z" });
        Assert.Equal(["events__created_at", "events__delivery_id", "events__received_at", "events__repo", "events__type", "events_pkey"], await IndexesAsync(cs));

        await StoreSchema.EnsureAsync(store);
        await StoreSchema.EnsureAsync(store); // idempotent
        Assert.Equal(["events__created_at_text", "events__delivery_id_text", "events__received_at_text", "events__repo_text", "events_pkey"], await IndexesAsync(cs));
        Assert.Equal(1, await store.CountAsync("events", DocumentQuery.Where(Filter.Eq("repo", "a/b"))));
    }

    [Fact]
    public async Task Writers_and_schema_ensures_that_race_to_create_the_same_collection_all_succeed()
    {
        // Each store instance knows no tables yet, as in separate processes: every first write and every ensure runs
        // CREATE … IF NOT EXISTS at the same moment. The losers of that race must not fail (a CI run lost a model
        // registration to "relation already exists").
        var cs = await postgres.CreateDatabaseAsync("createrace");
        var definition = new CollectionDefinition("raced", new IndexDefinition("by_n", ["n"]), new IndexDefinition("by_m", ["m"]) { Text = true });
        for (var round = 0; round < 5; round++)
        {
            var collection = $"raced{round}";
            var stores = Enumerable.Range(0, 8).Select(_ => new PostgresStore(cs)).ToList();
            try
            {
                await Task.WhenAll(stores.Select((store, i) => i % 2 == 0
                    ? store.InsertIfAbsentAsync(collection, $"d{i}", new JsonObject { ["n"] = i, ["m"] = $"m{i}" })
                    : store.EnsureCollectionsAsync([definition with { Name = collection }])));
                Assert.Equal(4, await stores[0].CountAsync(collection));
            }
            finally
            {
                foreach (var store in stores) await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_prediction_log_indexes_no_query_uses_are_dropped_on_start()
    {
        var cs = await postgres.CreateDatabaseAsync("migratepredictions");
        await using var store = new PostgresStore(cs);
        // The predictions collection as earlier releases created it: two single-field indexes besides the ML lifecycle's,
        // and the ML lifecycle's own earlier four.
        var earlier = new CollectionDefinition(Collections.Predictions, new IndexDefinition("created_at", ["created_at"]), new IndexDefinition("model_version", ["model_version"]),
            new IndexDefinition("predictions_model_created", ["model", "created_at"]), new IndexDefinition("predictions_resolved_created", ["resolved", "created_at"]),
            new IndexDefinition("predictions_issue_ref", ["issue_ref"]), new IndexDefinition("predictions_model_version_resolved", ["model", "version", "resolved", "resolved_at"]));
        await store.EnsureCollectionsAsync([earlier]);
        Assert.Equal(7, (await IndexesAsync(cs, Collections.Predictions)).Count);

        var schema = StoreSchema.Merge(Pipeline.ML.MlCollections.Definitions);
        await store.EnsureCollectionsAsync(schema);
        await store.EnsureCollectionsAsync(schema); // idempotent
        var after = await IndexesAsync(cs, Collections.Predictions);
        // What the drift window, the resolution pass and live metrics read, and nothing else.
        Assert.Equal(["predictions__predictions_model_created", "predictions__predictions_model_version_resolved_at", "predictions__predictions_resolved_id", "predictions_pkey"], after);
    }

    /// <summary>Runs one statement on its own connection; its first value, if it returns rows.</summary>
    private static async Task<object?> SqlScalarAsync(string connectionString, string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync();
    }

    private static Task<List<string>> IndexesAsync(string connectionString) => IndexesAsync(connectionString, "events");

    private static async Task<List<string>> IndexesAsync(string connectionString, string table)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE tablename = @table ORDER BY indexname COLLATE \"C\"", conn);
        cmd.Parameters.AddWithValue("table", table);
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }
}

/// <summary>Queries on text-indexed fields keep the typed semantics of the jsonb ones: a string value only matches strings.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTextIndexTests(PostgresFixture postgres)
{
    [Fact]
    public async Task String_filters_on_a_text_indexed_field_match_only_strings_and_sort_as_binary_text()
    {
        await using var store = new PostgresStore(await postgres.CreateDatabaseAsync("textindex"));
        await store.EnsureCollectionsAsync([new CollectionDefinition("things", new IndexDefinition("code", ["code"]) { Text = true })]);
        await store.UpsertManyAsync("things", new (string Id, JsonNode? Code)[]
        {
            ("s5", "5"), ("n5", 5), ("sB", "B"), ("sa", "a"), ("nul", "a\u0000b"), ("jnull", null), ("bool", true), ("obj", new JsonObject { ["x"] = "5" }),
        }.Select(t => KeyValuePair.Create(t.Id, new JsonObject { ["code"] = t.Code })).Append(KeyValuePair.Create("missing", new JsonObject())).ToList());

        async Task<string[]> Ids(DocumentQuery q) => (await store.FindAsync("things", q)).Select(d => d["_id"]!.GetValue<string>()).ToArray();
        Assert.Equal(["s5"], await Ids(DocumentQuery.Where(Filter.Eq("code", "5"))));
        Assert.Equal(["n5"], await Ids(DocumentQuery.Where(Filter.Eq("code", 5))));
        Assert.Equal(["bool"], await Ids(DocumentQuery.Where(Filter.Eq("code", true))));
        Assert.Equal(["nul"], await Ids(DocumentQuery.Where(Filter.Eq("code", "a\u0000b"))));
        Assert.Equal(["jnull", "missing"], await Ids(DocumentQuery.Where(Filter.Eq("code", null)).OrderBy("_id")));
        // Binary order: "5" < "B" < "a"; numbers, objects and booleans are outside a string range.
        Assert.Equal(["sB", "sa", "nul"], await Ids(DocumentQuery.Where(Filter.Gt("code", "5")).OrderBy("code")));
        Assert.Equal(["s5", "sB"], await Ids(DocumentQuery.Where(Filter.Lt("code", "a")).OrderBy("code")));
        Assert.Equal(["n5", "s5", "sa"], await Ids(DocumentQuery.Where(Filter.In("code", [JsonValue.Create("5"), JsonValue.Create(5), JsonValue.Create("a")])).OrderBy("_id")));
        Assert.Equal(["jnull", "missing", "sB"], await Ids(DocumentQuery.Where(Filter.In("code", [JsonValue.Create("B"), null])).OrderBy("_id")));
        Assert.Equal(4, await store.CountAsync("things", DocumentQuery.Where(Filter.Gte("code", "5"))));
        Assert.Equal(["nul", "sa", "sB", "s5"], await Ids(DocumentQuery.Where(Filter.Gte("code", "5")).OrderBy("code", descending: true)));
        Assert.Equal(1, await store.DeleteManyAsync("things", DocumentQuery.Where(Filter.Eq("code", "B"))));
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
