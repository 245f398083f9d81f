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
/// Fields with a text index (<see cref="IndexDefinition.Text"/>) are compared as text under binary collation when the
/// filter value is a string (<c>(doc-&gt;&gt;'f') COLLATE "C" = @p AND jsonb_typeof(doc-&gt;'f') = 'string'</c>: the same
/// matches as the jsonb comparison, but the text index serves it) and sorted by that text.
/// </summary>
internal sealed class PostgresSql(IReadOnlySet<string>? textFields = null)
{
    private static readonly IReadOnlySet<string> NoTextFields = new HashSet<string>();

    private readonly List<NpgsqlParameter> _parameters = [];
    private readonly IReadOnlySet<string> _textFields = textFields ?? NoTextFields;

    public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

    /// <summary>The SELECT that <see cref="PostgresStore.FindAsync"/> runs for a query on a collection of
    /// <see cref="StoreSchema.Default"/> (public for EXPLAIN in tests and tools).</summary>
    public static (string Sql, NpgsqlParameter[] Parameters) Select(string collection, DocumentQuery query) =>
        Select(collection, query, TextFields(StoreSchema.Default.Where(c => c.Name == collection).SelectMany(c => c.Indexes)));

    /// <summary>The fields of these indexes that have a text index.</summary>
    public static IReadOnlySet<string> TextFields(IEnumerable<IndexDefinition> indexes) =>
        indexes.Where(i => i.Text).Select(i => i.Fields[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>The SELECT for a query on a collection whose text-indexed fields are <paramref name="textFields"/>.</summary>
    public static (string Sql, NpgsqlParameter[] Parameters) Select(string collection, DocumentQuery query, IReadOnlySet<string> textFields)
    {
        var table = Table(collection);
        var sql = new PostgresSql(textFields);
        var projection = sql.Projection(query.Fields);
        var text = $"SELECT {projection} FROM {table} WHERE {sql.Where(query.Filters)}{sql.OrderBy(query)}{LimitOffset(query)}";
        return (text, sql.Parameters.ToArray());
    }

    /// <summary>SQL for the jsonb value at a dotted path (SQL NULL when missing).</summary>
    public static string JsonPath(string path)
    {
        var segments = StoreNames.Segments(path);
        return segments.Length == 1
            ? $"(doc->'{segments[0]}')"
            : $"(doc #> '{{{string.Join(',', segments)}}}')";
    }

    /// <summary>SQL for the text of the value at a dotted path under binary collation (SQL NULL when missing or JSON
    /// null); the expression of a text index, so the planner matches it.</summary>
    public static string TextPath(string path)
    {
        var segments = StoreNames.Segments(path);
        return segments.Length == 1
            ? $"((doc->>'{segments[0]}') COLLATE \"C\")"
            : $"((doc #>> '{{{string.Join(',', segments)}}}') COLLATE \"C\")";
    }

    /// <summary>Quoted table identifier for a validated collection name.</summary>
    public static string Table(string collection) => "\"" + StoreNames.Collection(collection) + "\"";

    public string AddParameter(object value, NpgsqlDbType type)
    {
        var name = "p" + _parameters.Count;
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    private string AddJson(JsonNode value) => AddParameter(DocumentJson.SanitizeForJsonb(value.ToJsonString()), NpgsqlDbType.Jsonb);

    /// <summary>A string value as text, sanitised the way stored documents are (see <see cref="DocumentJson.SanitizeForJsonb"/>),
    /// so it equals the text jsonb returns for the same stored string.</summary>
    private static string StoredText(JsonNode value) =>
        JsonSerializer.Deserialize<string>(DocumentJson.SanitizeForJsonb(value.ToJsonString()))!;

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
        if (query.SortBy == DocumentJson.IdField) return $" ORDER BY id COLLATE \"C\" {(query.Descending ? "DESC" : "ASC")}";
        var key = _textFields.Contains(query.SortBy) ? TextPath(query.SortBy) : JsonPath(query.SortBy);
        return $" ORDER BY {key} {dir}, id COLLATE \"C\" {(query.Descending ? "DESC" : "ASC")}";
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
        var text = _textFields.Contains(filter.Path);
        switch (filter.Op)
        {
            case FilterOp.Eq when text && IsString(value):
                return $"{TextPath(filter.Path)} = {AddParameter(StoredText(value!), NpgsqlDbType.Text)} AND jsonb_typeof({x}) = 'string'";
            case FilterOp.Gt or FilterOp.Gte or FilterOp.Lt or FilterOp.Lte when text && IsString(value):
                return $"jsonb_typeof({x}) = 'string' AND {TextPath(filter.Path)} {Operator(filter.Op)} {AddParameter(StoredText(value!), NpgsqlDbType.Text)}";
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
                    var parts = new List<string>();
                    var strings = text ? items.Where(IsString).Select(i => StoredText(i!)).ToArray() : [];
                    if (strings.Length > 0)
                    {
                        parts.Add($"({TextPath(filter.Path)} = ANY({AddParameter(strings, NpgsqlDbType.Array | NpgsqlDbType.Text)}) AND jsonb_typeof({x}) = 'string')");
                    }
                    var others = items.Where(i => !IsNull(i) && !(text && IsString(i))).Select(i => DocumentJson.SanitizeForJsonb(i!.ToJsonString())).ToArray();
                    if (others.Length > 0) parts.Add($"{x} = ANY({AddParameter(others, NpgsqlDbType.Array | NpgsqlDbType.Jsonb)})");
                    if (items.Any(IsNull)) parts.Add($"{x} IS NULL OR {x} = 'null'::jsonb");
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
