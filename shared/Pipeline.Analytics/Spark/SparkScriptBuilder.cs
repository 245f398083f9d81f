using System.Text;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Analytics.Spark;

/// <summary>
/// The Spark SQL script for one job: a view <c>events</c> over exactly the input partitions of the snapshot (partition
/// pruning on the <c>date=</c> folders), a view <c>repositories</c> over the repositories table, the shared <see cref="JobViews"/>, the job's own SQL unchanged as view <c>job_result</c>, and an INSERT OVERWRITE
/// DIRECTORY writing the result as Parquet next to the snapshot. Statements are separated by lines holding only ';'
/// (what infra/spark/run_sql.py splits on).
/// </summary>
internal static class SparkScriptBuilder
{
    public const string Separator = "\n;\n";

    public static string Build(TrendsJob job, IEnumerable<DateOnly> inputDays, string storageUri, string applicationName)
    {
        var root = storageUri.TrimEnd('/');
        var days = inputDays.Distinct().Order().Select(d => "'" + Periods.Format(d) + "'").ToList();
        var columns = string.Join(", ", EventParquet.ColumnNames);
        var where = days.Count == 0 ? "1 = 0" : "CAST(`date` AS STRING) IN (" + string.Join(", ", days) + ")";
        var sb = new StringBuilder();
        sb.Append("-- Pipeline trends job ").Append(job.Name).Append(" as SparkApplication ").Append(applicationName).Append('\n');
        sb.Append("CREATE OR REPLACE TEMPORARY VIEW events_snapshot USING parquet OPTIONS (path '")
            .Append(Escape(root + "/" + SnapshotLayout.EventsPrefix)).Append("')");
        sb.Append(Separator);
        sb.Append("CREATE OR REPLACE TEMPORARY VIEW events AS SELECT ").Append(columns).Append(" FROM events_snapshot WHERE ").Append(where);
        sb.Append(Separator);
        sb.Append("CREATE OR REPLACE TEMPORARY VIEW repositories USING parquet OPTIONS (path '")
            .Append(Escape(root + "/" + SnapshotLayout.RepositoriesPrefix)).Append("')");
        sb.Append(Separator);
        sb.Append("CREATE OR REPLACE TEMPORARY VIEW ").Append(JobViews.RepoLanguageName).Append(" AS\n").Append(JobViews.RepoLanguageSql);
        sb.Append(Separator);
        sb.Append("CREATE OR REPLACE TEMPORARY VIEW job_result AS\n").Append(job.Sql);
        sb.Append(Separator);
        sb.Append("INSERT OVERWRITE DIRECTORY '").Append(Escape(root + "/" + SnapshotLayout.SparkResultPrefix(applicationName)))
            .Append("' USING parquet SELECT * FROM job_result");
        sb.Append('\n');
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("'", "\\'", StringComparison.Ordinal);
}
