using System.Text.Json.Nodes;
using Pipeline.Analytics.Jobs;

namespace Pipeline.Analytics.Engines;

/// <summary>The <c>duckdb</c> engine: runs a job's SQL in-process over local Parquet partitions.</summary>
public sealed class DuckDbJobRunner
{
    public const string EngineName = "duckdb";

    public IReadOnlyList<JsonObject> Run(TrendsJob job, IReadOnlyList<string> parquetFiles, int? threads = null, string? repositoriesFile = null)
    {
        // read_parquet of an empty list is an error; no input means no rows.
        if (parquetFiles.Count == 0) return [];
        using var connection = DuckDbQuery.OpenWithEvents(parquetFiles, threads, repositoriesFile);
        return DuckDbQuery.ReadRows(connection, job.Sql);
    }

    /// <summary>Reads result Parquet files (what a Spark job wrote) back into rows.</summary>
    public static IReadOnlyList<JsonObject> ReadParquet(IReadOnlyList<string> parquetFiles)
    {
        if (parquetFiles.Count == 0) return [];
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return DuckDbQuery.ReadRows(connection, "SELECT * FROM read_parquet(" + DuckDbQuery.FileList(parquetFiles) + ")");
    }
}
