using System.Text;

namespace Pipeline.Analytics.Dialect;

/// <summary>
/// The SQL dialect every job must stay within: constructs that Spark SQL (3.3+) and DuckDB (1.x) both accept and
/// evaluate the same way. A tokeniser checks job files against allow-lists of functions, keywords and types and a
/// deny-list of engine-specific syntax. The lists are documented in docs/analytics.md; change both together.
/// </summary>
internal static class CommonSqlDialect
{
    /// <summary>Functions both engines implement with the same semantics.</summary>
    public static readonly IReadOnlySet<string> Functions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "SUM", "MIN", "MAX", "AVG", "COALESCE", "NULLIF", "GREATEST", "LEAST", "CAST", "ABS", "LOWER", "UPPER",
        "CONCAT", "DATE_TRUNC", "YEAR", "MONTH", "PERCENTILE_CONT", "ROW_NUMBER", "RANK", "DENSE_RANK", "GROUPING",
    };

    /// <summary>Keywords allowed (besides function names and identifiers).</summary>
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "WITH", "AS", "JOIN", "LEFT", "INNER",
        "ON", "AND", "OR", "NOT", "IN", "IS", "NULL", "CASE", "WHEN", "THEN", "ELSE", "END", "DISTINCT", "UNION", "ALL", "BETWEEN",
        "TRUE", "FALSE", "WITHIN", "OVER", "PARTITION", "LIKE", "SETS",
    };

    /// <summary>Type names allowed in CAST and typed literals.</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "DATE", "TIMESTAMP", "BIGINT", "INT", "INTEGER", "DOUBLE", "BOOLEAN", "STRING",
    };

    /// <summary>Words that name engine-specific constructs, with why they are out.</summary>
    public static readonly IReadOnlyDictionary<string, string> DeniedWords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["QUALIFY"] = "DuckDB only",
        ["ILIKE"] = "DuckDB only (Spark 3.3+ has it, older Spark does not)",
        ["RLIKE"] = "Spark only",
        ["REGEXP"] = "Spark only",
        ["GLOB"] = "DuckDB only",
        ["SIMILAR"] = "DuckDB only",
        ["SAMPLE"] = "sampling syntax differs",
        ["TABLESAMPLE"] = "sampling syntax differs",
        ["PIVOT"] = "syntax differs",
        ["UNPIVOT"] = "syntax differs",
        ["LATERAL"] = "Spark LATERAL VIEW has no DuckDB equivalent",
        ["EXCLUDE"] = "DuckDB star modifier",
        ["REPLACE"] = "DuckDB star modifier / function semantics differ",
        ["COLUMNS"] = "DuckDB only",
        ["DISTRIBUTE"] = "Spark only",
        ["CLUSTER"] = "Spark only",
        ["SORT"] = "Spark SORT BY is Spark only",
        ["ASOF"] = "DuckDB only",
        ["POSITIONAL"] = "DuckDB only",
        ["SEMI"] = "join kinds differ",
        ["ANTI"] = "join kinds differ",
        ["NATURAL"] = "avoid implicit join columns",
        ["USING"] = "avoid implicit join columns",
        ["INTERVAL"] = "interval literal syntax and arithmetic differ",
        ["FILTER"] = "aggregate FILTER clause needs Spark 3.2+; use CASE inside the aggregate",
        ["TRY_CAST"] = "not in older Spark",
        ["STRUCT"] = "nested types differ",
        ["MAP"] = "nested types differ",
        ["ARRAY"] = "nested types differ",
        ["LIST"] = "DuckDB only",
        ["VARCHAR"] = "use STRING",
        ["TEXT"] = "use STRING",
        ["HUGEINT"] = "DuckDB only",
        ["TIMESTAMPTZ"] = "DuckDB only",
        ["TIMESTAMP_NTZ"] = "Spark only",
        ["DATEDIFF"] = "argument order and units differ: subtract the *_epoch columns",
        ["DATE_DIFF"] = "DuckDB only: subtract the *_epoch columns",
        ["DATE_ADD"] = "signatures differ",
        ["DATE_SUB"] = "signatures differ",
        ["ADD_MONTHS"] = "Spark only",
        ["MAKE_DATE"] = "argument types differ (BIGINT year in DuckDB)",
        ["DAYOFWEEK"] = "Sunday is 1 in Spark, 0 in DuckDB",
        ["WEEKOFYEAR"] = "use date_trunc('week', ...)",
        ["DATE_FORMAT"] = "Spark only (DuckDB strftime)",
        ["STRFTIME"] = "DuckDB only",
        ["UNIX_TIMESTAMP"] = "Spark only: use the *_epoch columns",
        ["EPOCH"] = "DuckDB only: use the *_epoch columns",
        ["PERCENTILE_APPROX"] = "Spark only (approximate)",
        ["APPROX_PERCENTILE"] = "Spark only (approximate)",
        ["APPROX_QUANTILE"] = "DuckDB only (approximate)",
        ["QUANTILE_CONT"] = "DuckDB only: use percentile_cont(p) WITHIN GROUP (ORDER BY x)",
        ["MEDIAN"] = "DuckDB only: use percentile_cont(0.5) WITHIN GROUP (ORDER BY x)",
        ["ROUND"] = "half-way rounding differs for doubles",
        ["READ_PARQUET"] = "engine-specific table function: read the view events",
    };

    /// <summary>Symbols that are engine-specific, with why.</summary>
    public static readonly IReadOnlyDictionary<string, string> DeniedSymbols = new Dictionary<string, string>
    {
        ["::"] = "DuckDB cast shorthand: use CAST(x AS type)",
        ["||"] = "use CONCAT",
        ["//"] = "DuckDB integer division",
        ["->"] = "lambda / JSON arrow syntax differs",
        ["->>"] = "JSON arrow syntax differs",
        ["=="] = "use =",
        ["["] = "list/array literals differ",
        ["]"] = "list/array literals differ",
        ["{"] = "struct literals differ",
        ["}"] = "struct literals differ",
        ["$"] = "parameters differ",
        ["?"] = "parameters differ",
        [";"] = "one statement per job",
        ["\""] = "double quotes are identifiers in DuckDB but strings in Spark",
        ["`"] = "backtick identifiers are Spark only",
        ["%"] = "modulo semantics on negatives/decimals differ",
    };

    private enum Kind { Word, Number, String, Symbol }

    private readonly record struct Token(Kind Kind, string Text, int Line);

    public static IReadOnlyList<DialectViolation> Check(string sql)
    {
        var violations = new List<DialectViolation>();
        var tokens = Tokenize(sql, violations);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            switch (t.Kind)
            {
                case Kind.String when t.Text.Contains('\\'):
                    violations.Add(new(t.Line, t.Text, "backslash escapes differ (Spark unescapes, DuckDB does not)"));
                    break;
                case Kind.Symbol when DeniedSymbols.TryGetValue(t.Text, out var why):
                    violations.Add(new(t.Line, t.Text, why));
                    break;
                case Kind.Word:
                    if (DeniedWords.TryGetValue(t.Text, out var reason))
                    {
                        violations.Add(new(t.Line, t.Text, reason));
                    }
                    else if (i + 1 < tokens.Count && tokens[i + 1].Text == "(" && !Functions.Contains(t.Text) && !Keywords.Contains(t.Text))
                    {
                        violations.Add(new(t.Line, t.Text, "function not in the common dialect (docs/analytics.md)"));
                    }
                    else if (i > 0 && tokens[i - 1].Text.Equals("AS", StringComparison.OrdinalIgnoreCase) && IsInsideCast(tokens, i) && !Types.Contains(t.Text))
                    {
                        violations.Add(new(t.Line, t.Text, "type not in the common dialect"));
                    }
                    break;
            }
        }
        return violations;
    }

    private static bool IsInsideCast(List<Token> tokens, int i)
    {
        var depth = 0;
        for (var j = i - 1; j >= 0; j--)
        {
            if (tokens[j].Text == ")") depth++;
            else if (tokens[j].Text == "(")
            {
                if (depth == 0) return j > 0 && tokens[j - 1].Text.Equals("CAST", StringComparison.OrdinalIgnoreCase);
                depth--;
            }
        }
        return false;
    }

    private static List<Token> Tokenize(string sql, List<DialectViolation> violations)
    {
        var tokens = new List<Token>();
        var line = 1;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) { violations.Add(new(line, "/*", "unterminated comment")); break; }
                line += sql[i..end].Count(ch => ch == '\n');
                i = end + 2;
                continue;
            }
            if (c == '\'')
            {
                var sb = new StringBuilder();
                var start = line;
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == '\'' && i + 1 < sql.Length && sql[i + 1] == '\'') { sb.Append('\''); i += 2; continue; }
                    if (sql[i] == '\'') break;
                    if (sql[i] == '\n') line++;
                    sb.Append(sql[i++]);
                }
                if (i >= sql.Length) violations.Add(new(start, "'", "unterminated string"));
                i++;
                tokens.Add(new(Kind.String, sb.ToString(), start));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_')) i++;
                tokens.Add(new(Kind.Word, sql[start..i], line));
                continue;
            }
            if (char.IsDigit(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsDigit(sql[i]) || sql[i] == '.')) i++;
                tokens.Add(new(Kind.Number, sql[start..i], line));
                continue;
            }
            // Longest symbol first.
            foreach (var len in new[] { 3, 2, 1 })
            {
                if (i + len > sql.Length) continue;
                var s = sql.Substring(i, len);
                if (len == 1 || DeniedSymbols.ContainsKey(s) || s is "<>" or "!=" or "<=" or ">=")
                {
                    tokens.Add(new(Kind.Symbol, s, line));
                    i += len;
                    break;
                }
            }
        }
        return tokens;
    }
}
