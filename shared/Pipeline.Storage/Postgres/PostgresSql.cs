using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Pipeline.Storage.Postgres;

/// <summary>
/// Translates <see cref="DocumentQuery"/> into SQL over a table <c>(id text primary key, doc jsonb not null)</c>.
/// Fields are addressed as jsonb (<c>doc-&gt;'a'</c>, <c>doc #&gt; '{a,b}'</c>), not text, so comparisons keep JSON types the way
/// MongoDB does: numbers compare numerically (5 = 5.0, 9 &lt; 10), strings as text, a string never equals a number, and a
/// range filter only matches values of the filter value's type. Index expressions are built by the same method, so the
/// planner matches them. Field path segments are whitelisted (<see cref="StoreNames.FieldPath"/>) before being inlined.
/// </summary>
public sealed class PostgresSql
{
    private readonly List<NpgsqlParameter> _parameters = [];

    public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

    /// <summary>SQL for the jsonb value at a dotted path (SQL NULL when missing).</summary>
    public static string JsonPath(string path)
    {
        var segments = StoreNames.Segments(path);
        return segments.Length == 1
            ? $"(doc->'{segments[0]}')"
            : $"(doc #> '{{{string.Join(',', segments)}}}')";
    }

    /// <summary>Quoted table identifier for a validated collection name.</summary>
    public static string Table(string collection) => "\"" + StoreNames.Collection(collection) + "\"";

    public string AddParameter(object value, NpgsqlDbType type)
    {
        var name = "p" + _parameters.Count;
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    private string AddJson(JsonNode value) => AddParameter(value.ToJsonString(), NpgsqlDbType.Jsonb);

    /// <summary>The WHERE clause (without the keyword), "TRUE" when there are no filters.</summary>
    public string Where(IReadOnlyList<FieldFilter> filters)
    {
        if (filters.Count == 0) return "TRUE";
        var sb = new StringBuilder();
        foreach (var filter in filters)
        {
            if (sb.Length > 0) sb.Append(" AND ");
            sb.Append('(').Append(Condition(filter)).Append(')');
        }
        return sb.ToString();
    }

    public string OrderBy(DocumentQuery query)
    {
        if (query.SortBy is null) return "";
        var dir = query.Descending ? "DESC NULLS LAST" : "ASC NULLS FIRST";
        // Missing fields sort first ascending, as in MongoDB; the id breaks ties so pages are stable.
        return query.SortBy == DocumentJson.IdField
            ? $" ORDER BY id COLLATE \"C\" {(query.Descending ? "DESC" : "ASC")}"
            : $" ORDER BY {JsonPath(query.SortBy)} {dir}, id COLLATE \"C\" {(query.Descending ? "DESC" : "ASC")}";
    }

    public static string LimitOffset(DocumentQuery query)
    {
        if (query.Limit is < 0) throw new ArgumentOutOfRangeException(nameof(query), "Limit must not be negative");
        if (query.Skip < 0) throw new ArgumentOutOfRangeException(nameof(query), "Skip must not be negative");
        var sql = "";
        if (query.Limit is { } limit) sql += $" LIMIT {limit}";
        if (query.Skip > 0) sql += $" OFFSET {query.Skip}";
        return sql;
    }

    /// <summary>The selected document: whole, or only the listed top-level fields plus <c>_id</c>.</summary>
    public string Projection(IReadOnlyList<string>? fields)
    {
        if (fields is null) return "doc";
        var names = fields.Where(f => f != DocumentJson.IdField).Select(f =>
        {
            if (StoreNames.Segments(f).Length != 1) throw new ArgumentException($"Only top-level fields can be selected, not '{f}'");
            return f;
        }).Distinct().ToArray();
        if (names.Length == 0) return "jsonb_build_object('_id', id)";
        var p = AddParameter(names, NpgsqlDbType.Array | NpgsqlDbType.Text);
        return $"(SELECT jsonb_object_agg(key, value) FROM jsonb_each(doc) WHERE key = '_id' OR key = ANY({p}))";
    }

    private string Condition(FieldFilter filter)
    {
        StoreNames.FieldPath(filter.Path);
        return filter.Path == DocumentJson.IdField ? IdCondition(filter) : FieldCondition(filter);
    }

    private string FieldCondition(FieldFilter filter)
    {
        var x = JsonPath(filter.Path);
        var value = filter.Value;
        switch (filter.Op)
        {
            case FilterOp.Eq:
                return IsNull(value) ? $"{x} IS NULL OR {x} = 'null'::jsonb" : $"{x} = {AddJson(value!)}";
            case FilterOp.Ne:
                return IsNull(value) ? $"{x} IS NOT NULL AND {x} <> 'null'::jsonb" : $"{x} IS DISTINCT FROM {AddJson(value!)}";
            case FilterOp.Gt or FilterOp.Gte or FilterOp.Lt or FilterOp.Lte:
                return $"jsonb_typeof({x}) = '{RangeType(filter)}' AND {x} {Operator(filter.Op)} {AddJson(value!)}";
            case FilterOp.In:
                {
                    var items = InValues(filter);
                    if (items.Count == 0) return "FALSE";
                    var nonNull = items.Where(i => !IsNull(i)).Select(i => i!.ToJsonString()).ToArray();
                    var parts = new List<string>();
                    if (nonNull.Length > 0) parts.Add($"{x} = ANY({AddParameter(nonNull, NpgsqlDbType.Array | NpgsqlDbType.Jsonb)})");
                    if (nonNull.Length < items.Count) parts.Add($"{x} IS NULL OR {x} = 'null'::jsonb");
                    return string.Join(" OR ", parts);
                }
            case FilterOp.Exists:
                return ExistsValue(filter) ? $"{x} IS NOT NULL" : $"{x} IS NULL";
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter.Op, "Unknown filter operator");
        }
    }

    /// <summary><c>_id</c> lives in the primary-key column (text), so id filters use it directly.</summary>
    private string IdCondition(FieldFilter filter)
    {
        var value = filter.Value;
        switch (filter.Op)
        {
            case FilterOp.Exists:
                return ExistsValue(filter) ? "TRUE" : "FALSE";
            case FilterOp.In:
                {
                    var ids = InValues(filter).Where(IsString).Select(v => v!.GetValue<string>()).ToArray();
                    return ids.Length == 0 ? "FALSE" : $"id = ANY({AddParameter(ids, NpgsqlDbType.Array | NpgsqlDbType.Text)})";
                }
            case FilterOp.Eq:
                return IsString(value) ? $"id = {AddParameter(value!.GetValue<string>(), NpgsqlDbType.Text)}" : "FALSE";
            case FilterOp.Ne:
                return IsString(value) ? $"id <> {AddParameter(value!.GetValue<string>(), NpgsqlDbType.Text)}" : "TRUE";
            default:
                RangeType(filter);
                return IsString(value)
                    ? $"id COLLATE \"C\" {Operator(filter.Op)} {AddParameter(value!.GetValue<string>(), NpgsqlDbType.Text)}"
                    : "FALSE";
        }
    }

    private static string Operator(FilterOp op) => op switch
    {
        FilterOp.Gt => ">",
        FilterOp.Gte => ">=",
        FilterOp.Lt => "<",
        FilterOp.Lte => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>The jsonb_typeof a range filter's value has; range filters need a string, number or bool.</summary>
    private static string RangeType(FieldFilter filter) => filter.Value?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => throw new ArgumentException($"Filter {filter.Op} on '{filter.Path}' needs a string, number or boolean value"),
    };

    private static List<JsonNode?> InValues(FieldFilter filter) => (filter.Value as JsonArray)?.ToList()
        ?? throw new ArgumentException($"Filter In on '{filter.Path}' needs an array value");

    private static bool ExistsValue(FieldFilter filter) => filter.Value is null || filter.Value.GetValueKind() != JsonValueKind.False;

    private static bool IsNull(JsonNode? value) => value is null || value.GetValueKind() == JsonValueKind.Null;

    private static bool IsString(JsonNode? value) => value is not null && value.GetValueKind() == JsonValueKind.String;
}
