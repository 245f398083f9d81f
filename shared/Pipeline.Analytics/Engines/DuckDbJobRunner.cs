using System.Text.Json.Nodes;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;

namespace Pipeline.Analytics.Engines;

/// <summary>The <c>duckdb</c> engine: runs a job's SQL in-process over local Parquet partitions.</summary>
public sealed class DuckDbJobRunner
{
    public const string EngineName = "duckdb";

    /// <summary>The job's result rows as JSON objects (column name → value); ad-hoc reads and tests.</summary>
    public IReadOnlyList<JsonObject> Run(TrendsJob job, IReadOnlyList<string> parquetFiles, int? threads = null, string? repositoriesFile = null)
    {
        // read_parquet of an empty list is an error; no input means no rows.
        if (parquetFiles.Count == 0) return [];
        using var connection = DuckDbQuery.OpenWithEvents(parquetFiles, threads, repositoriesFile);
        return DuckDbQuery.ReadRows(connection, job.Sql);
    }

    /// <summary>
    /// Runs the plan's job and yields the documents of its recomputed periods in batches, rendered as JSON by DuckDB
    /// (<see cref="TrendDocumentQuery"/>). The connection lives as long as the enumeration.
    /// </summary>
    internal IEnumerable<List<KeyValuePair<string, string>>> RunDocuments(JobPlan plan, IReadOnlyList<string> parquetFiles, string runId, string computedAt,
        int? threads = null, string? repositoriesFile = null, int batchSize = TrendsResultWriter.BatchSize)
    {
        if (parquetFiles.Count == 0) yield break;
        using var connection = DuckDbQuery.OpenWithEvents(parquetFiles, threads, repositoriesFile);
        foreach (var batch in DuckDbQuery.ReadDocumentBatches(connection, plan.Job.Sql, plan, runId, computedAt, batchSize)) yield return batch;
    }

    /// <summary>The documents of result Parquet files (what a Spark job wrote), through the same SQL as
    /// <see cref="RunDocuments"/>, so both engines store identical documents.</summary>
    internal static IEnumerable<List<KeyValuePair<string, string>>> ReadParquetDocuments(JobPlan plan, IReadOnlyList<string> parquetFiles, string runId, string computedAt,
        int batchSize = TrendsResultWriter.BatchSize)
    {
        if (parquetFiles.Count == 0) yield break;
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var relation = "SELECT * FROM read_parquet(" + DuckDbQuery.FileList(parquetFiles) + ")";
        foreach (var batch in DuckDbQuery.ReadDocumentBatches(connection, relation, plan, runId, computedAt, batchSize)) yield return batch;
    }
}
