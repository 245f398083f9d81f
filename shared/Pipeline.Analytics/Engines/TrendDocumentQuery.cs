using System.Text;
using Pipeline.Analytics.Planning;
using Pipeline.Storage;

namespace Pipeline.Analytics.Engines;

/// <summary>
/// The SQL that turns a job's result relation into the documents its output collection keeps, so DuckDB renders them
/// (vectorised, on every core) instead of the host building a node tree per row: only rows of the periods the run
/// recomputes, each as <c>(id, json)</c> with <c>_id = job:key values</c> first, then the result columns, then
/// <c>job</c>, <c>run_id</c> and <c>computed_at</c>. Values keep the form the store and the trends routes read: integers
/// and doubles as numbers, dates as yyyy-MM-dd, timestamps as ISO-8601 UTC with milliseconds, anything else as text.
/// The same SQL reads a Spark job's result Parquet, so both engines store identical documents.
/// </summary>
internal static class TrendDocumentQuery
{
    private static readonly HashSet<string> MetadataFields = [DocumentJson.IdField, "job", "run_id", "computed_at"];

    /// <summary>The query over <paramref name="relation"/> (a SELECT), given its columns as DuckDB describes them.</summary>
    public static string Build(JobPlan plan, IReadOnlyList<(string Name, string Type)> columns, string relation, string runId, string computedAt)
    {
        var job = plan.Job;
        var values = columns.ToDictionary(c => c.Name, c => ValueExpression(Quote(c.Name), c.Type), StringComparer.Ordinal);
        var id = new StringBuilder(Literal(job.Name + ":"));
        for (var i = 0; i < job.Key.Count; i++)
        {
            var key = job.Key[i];
            if (!values.TryGetValue(key, out var value))
            {
                throw new InvalidOperationException($"Job {job.Name} declares key column '{key}' but its result has no such column");
            }
            if (i > 0) id.Append(" || '|'");
            id.Append(" || COALESCE(CAST(").Append(value).Append(" AS VARCHAR), '')");
        }
        var fields = new StringBuilder();
        fields.Append(Quote(DocumentJson.IdField)).Append(" := ").Append(id);
        foreach (var (name, _) in columns)
        {
            if (MetadataFields.Contains(name)) continue; // the document's own fields win, as they always did
            fields.Append(", ").Append(Quote(name)).Append(" := ").Append(values[name]);
        }
        fields.Append(", \"job\" := ").Append(Literal(job.Name))
            .Append(", \"run_id\" := ").Append(Literal(runId))
            .Append(", \"computed_at\" := ").Append(Literal(computedAt));

        var sql = new StringBuilder("SELECT doc.\"_id\" AS id, CAST(to_json(doc) AS VARCHAR) AS json FROM (SELECT struct_pack(")
            .Append(fields).Append(") AS doc FROM (\n").Append(relation).Append("\n) AS result");
        if (job.PeriodColumn is { } pc)
        {
            if (!values.ContainsKey(pc)) throw new InvalidOperationException($"Job {job.Name} returned a row without {pc}");
            var period = Quote(pc);
            sql.Append("\nWHERE CASE WHEN ").Append(period).Append(" IS NULL THEN CAST(error(")
                .Append(Literal($"Job {job.Name} returned a row without {pc}")).Append(") AS BOOLEAN) ELSE ");
            if (job.Period == Jobs.PeriodKind.None) sql.Append("TRUE");
            else
            {
                sql.Append("CAST(").Append(period).Append(" AS DATE) IN (");
                var first = true;
                foreach (var p in plan.Periods.Order())
                {
                    if (!first) sql.Append(", ");
                    sql.Append("DATE '").Append(Periods.Format(p)).Append('\'');
                    first = false;
                }
                sql.Append(')');
            }
            sql.Append(" END");
        }
        return sql.Append(") AS documents").ToString();
    }

    /// <summary>A result column as the value the document holds (what the row-by-row conversion gave before).</summary>
    private static string ValueExpression(string column, string type)
    {
        var t = type.ToUpperInvariant();
        if (t.StartsWith("TIMESTAMP WITH TIME ZONE", StringComparison.Ordinal) || t == "TIMESTAMPTZ")
            return $"strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%S.%gZ')";
        if (t.StartsWith("TIMESTAMP", StringComparison.Ordinal)) return $"strftime(CAST({column} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')";
        if (t == "DATE") return $"strftime({column}, '%Y-%m-%d')";
        if (t.StartsWith("DECIMAL", StringComparison.Ordinal) || t is "FLOAT" or "REAL") return $"CAST({column} AS DOUBLE)";
        if (t is "BIGINT" or "INTEGER" or "SMALLINT" or "TINYINT" or "UBIGINT" or "UINTEGER" or "USMALLINT" or "UTINYINT" or "HUGEINT"
            or "DOUBLE" or "BOOLEAN" or "VARCHAR") return column;
        return $"CAST({column} AS VARCHAR)";
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
