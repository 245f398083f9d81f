using System.Text.RegularExpressions;

namespace Pipeline.Storage;

/// <summary>
/// Validates collection, index and field names before they reach a query. Collection and index names become SQL
/// identifiers in the PostgreSQL adapter, so they are whitelisted ([a-z0-9_]) rather than escaped.
/// </summary>
internal static partial class StoreNames
{
    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();

    // No '$' (MongoDB operators), quotes, braces or commas (SQL literals and jsonb path syntax).
    [GeneratedRegex(@"^[A-Za-z0-9_\-@]+(\.[A-Za-z0-9_\-@]+)*$")]
    private static partial Regex PathPattern();

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is 1-63 chars of [a-z0-9_] starting with a letter.</summary>
    public static string Collection(string name)
    {
        if (name is null || !IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException($"Invalid collection name '{name}': use 1-63 characters of [a-z0-9_], starting with a letter.", nameof(name));
        }
        return name;
    }

    public static string Index(string name)
    {
        if (name is null || !IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException($"Invalid index name '{name}': use 1-63 characters of [a-z0-9_], starting with a letter.", nameof(name));
        }
        return name;
    }

    /// <summary>A dotted field path (<c>issue.user.login</c>); segments of letters, digits, <c>_ - @</c>.</summary>
    public static string FieldPath(string path)
    {
        if (path is null || !PathPattern().IsMatch(path))
        {
            throw new ArgumentException($"Invalid field path '{path}': use dot-separated segments of [A-Za-z0-9_-@].", nameof(path));
        }
        return path;
    }

    public static string[] Segments(string path) => FieldPath(path).Split('.');
}
