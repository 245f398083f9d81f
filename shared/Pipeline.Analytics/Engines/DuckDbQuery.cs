using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;

namespace Pipeline.Analytics.Engines;

/// <summary>Runs SQL on an in-process DuckDB over Parquet files and converts result rows to JSON.</summary>
internal static class DuckDbQuery
{
    /// <summary>An in-memory DuckDB with the view <c>events</c> over the given Parquet files, the view
    /// <c>repositories</c> over the repositories table (empty when there is none) and the shared <see cref="JobViews"/>.</summary>
    public static DuckDBConnection OpenWithEvents(IReadOnlyList<string> parquetFiles, int? threads = null, string? repositoriesFile = null)
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        if (threads is { } t) Execute(connection, $"SET threads = {t}");
        Execute(connection, "CREATE TEMP VIEW events AS SELECT * FROM read_parquet(" + FileList(parquetFiles) + ")");
        Execute(connection, repositoriesFile is null
            ? "CREATE TEMP VIEW repositories AS SELECT CAST(NULL AS VARCHAR) AS repo_key, CAST(NULL AS VARCHAR) AS repo, CAST(NULL AS VARCHAR) AS language WHERE 1 = 0"
            : "CREATE TEMP VIEW repositories AS SELECT repo_key, repo, language FROM read_parquet(" + FileList([repositoriesFile]) + ")");
        Execute(connection, "CREATE TEMP VIEW " + JobViews.RepoLanguageName + " AS " + JobViews.RepoLanguageSql);
        return connection;
    }

    public static string FileList(IReadOnlyList<string> files)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < files.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append('\'').Append(files[i].Replace("'", "''")).Append('\'');
        }
        return sb.Append(']').ToString();
    }

    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The columns (name, DuckDB type) a query returns, from binding it without running it.</summary>
    public static List<(string Name, string Type)> DescribeColumns(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DESCRIBE SELECT * FROM (\n" + sql + "\n) AS result";
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read()) columns.Add((reader.GetString(0), reader.GetString(1)));
        return columns;
    }

    /// <summary>
    /// Runs <paramref name="relation"/> and yields the trend documents of the plan's periods as (id, JSON) in batches of
    /// <paramref name="batchSize"/>, rendered by DuckDB (<see cref="TrendDocumentQuery"/>): per row the host reads two
    /// strings. Streams: a batch is handed on before the next is read, so memory stays bounded by a few batches.
    /// </summary>
    public static IEnumerable<List<KeyValuePair<string, string>>> ReadDocumentBatches(DuckDBConnection connection, string relation, JobPlan plan,
        string runId, string computedAt, int batchSize)
    {
        if (plan.Job.Period != Jobs.PeriodKind.None && plan.Periods.Count == 0) yield break;
        var sql = TrendDocumentQuery.Build(plan, DescribeColumns(connection, relation), relation, runId, computedAt);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var batch = new List<KeyValuePair<string, string>>(batchSize);
        while (reader.Read())
        {
            batch.Add(new(reader.GetString(0), reader.GetString(1)));
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<KeyValuePair<string, string>>(batchSize);
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>Runs a query and returns every row as a JSON object (column name → value).</summary>
    public static List<JsonObject> ReadRows(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        // One typed reader per column, chosen once: no boxing and no type switch per value.
        var readers = Enumerable.Range(0, names.Length).Select(i => ColumnReader(reader.GetFieldType(i))).ToArray();
        var rows = new List<JsonObject>();
        var properties = new KeyValuePair<string, JsonNode?>[names.Length];
        while (reader.Read())
        {
            for (var i = 0; i < names.Length; i++)
            {
                properties[i] = new(names[i], reader.IsDBNull(i) ? null : readers[i](reader, i));
            }
            rows.Add(new JsonObject(properties));
        }
        return rows;
    }

    private static Func<System.Data.Common.DbDataReader, int, JsonNode?> ColumnReader(Type type) => type switch
    {
        _ when type == typeof(long) => (r, i) => JsonValue.Create(r.GetInt64(i)),
        _ when type == typeof(string) => (r, i) => JsonValue.Create(r.GetString(i)),
        _ when type == typeof(double) => (r, i) => JsonValue.Create(r.GetDouble(i)),
        _ when type == typeof(bool) => (r, i) => JsonValue.Create(r.GetBoolean(i)),
        _ => (r, i) => ToJson(r.GetValue(i)),
    };

    /// <summary>DuckDB values as JSON: integers as numbers, dates as yyyy-MM-dd, timestamps as ISO-8601 UTC strings.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null or DBNull => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create((long)i),
        short s16 => JsonValue.Create((long)s16),
        sbyte s8 => JsonValue.Create((long)s8),
        byte u8 => JsonValue.Create((long)u8),
        ushort u16 => JsonValue.Create((long)u16),
        uint u32 => JsonValue.Create((long)u32),
        ulong u64 => JsonValue.Create(checked((long)u64)),
        BigInteger big => JsonValue.Create(checked((long)big)),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create((double)f),
        decimal m => JsonValue.Create((double)m),
        DateOnly d => JsonValue.Create(Periods.Format(d)),
        DateTime t => JsonValue.Create(DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonValue.Create(t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
