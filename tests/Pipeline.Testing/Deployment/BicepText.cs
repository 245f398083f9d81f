using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>
/// Just enough reading of Bicep source to check its structure without the Bicep CLI (not obtainable here):
/// comments stripped, balanced braces, top-level declarations (param/var/resource/module/output) and object keys.
/// Strings ('...', with '' escapes and ${} interpolation) are skipped when counting braces.
/// </summary>
public static class BicepText
{
    public static string StripComments(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                var end = EndOfString(text, i);
                sb.Append(text, i, end - i + 1);
                i = end;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                if (i < text.Length) sb.Append('\n');
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? text.Length : close + 1;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Index of the closing quote of the string starting at <paramref name="start"/>.</summary>
    private static int EndOfString(string text, int start)
    {
        if (text.AsSpan(start).StartsWith("'''"))
        {
            var close = text.IndexOf("'''", start + 3, StringComparison.Ordinal);
            return close < 0 ? text.Length - 1 : close + 2;
        }
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'') { i++; continue; }
                return i;
            }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                i = Matching(text, i + 1, '{', '}');
            }
        }
        return text.Length - 1;
    }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/>, skipping strings.</summary>
    public static int Matching(string text, int open, char opening, char closing)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'') { i = EndOfString(text, i); continue; }
            if (c == opening) depth++;
            else if (c == closing && --depth == 0) return i;
        }
        throw new InvalidDataException($"unbalanced '{opening}' at offset {open}");
    }

    /// <summary>Bodies (between the outer braces) of every resource whose type starts with <paramref name="typePrefix"/>.</summary>
    public static IEnumerable<string> ResourceBodies(string text, string typePrefix)
    {
        foreach (Match m in Regex.Matches(text, @"^\s*resource\s+\w+\s+'" + Regex.Escape(typePrefix) + @"[^']*'\s*(?:existing\s*)?=\s*(?:\[[^\n]*\]\s*)?\{", RegexOptions.Multiline))
        {
            var open = m.Index + m.Length - 1;
            yield return text.Substring(open + 1, Matching(text, open, '{', '}') - open - 1);
        }
    }

    /// <summary>The body of the object that follows <paramref name="label"/> (e.g. "properties:"), or null.</summary>
    public static string? ObjectAfter(string text, string label)
    {
        var at = text.IndexOf(label, StringComparison.Ordinal);
        if (at < 0) return null;
        var open = text.IndexOf('{', at);
        return open < 0 ? null : text.Substring(open + 1, Matching(text, open, '{', '}') - open - 1);
    }

    /// <summary>Keys at depth 0 of an object body (identifiers or quoted names before a colon).</summary>
    public static IReadOnlyList<string> TopLevelKeys(string body)
    {
        var keys = new List<string>();
        var depth = 0;
        var lineStart = true;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\'' && !(depth == 0 && lineStart)) { i = EndOfString(body, i); continue; }
            if (c is '{' or '[' or '(') { depth++; lineStart = false; continue; }
            if (c is '}' or ']' or ')') { depth--; continue; }
            if (c == '\n') { lineStart = true; continue; }
            if (char.IsWhiteSpace(c)) continue;
            if (depth == 0 && lineStart)
            {
                var m = Regex.Match(body[i..], @"^(?:'([^']+)'|([A-Za-z_][A-Za-z0-9_]*))\s*:");
                if (m.Success)
                {
                    keys.Add(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
                    i += m.Length - 1;
                }
            }
            lineStart = false;
        }
        return keys;
    }

    /// <summary>Names of top-level declarations of a kind: param, var, resource, module, output.</summary>
    public static IReadOnlyList<string> Declarations(string text, string keyword) =>
        Regex.Matches(text, @"^" + keyword + @"\s+(\w+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
}
