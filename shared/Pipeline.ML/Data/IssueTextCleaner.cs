using System.Buffers;
using System.Net;
using System.Text.RegularExpressions;

namespace Pipeline.ML.Data;

/// <summary>
/// Cleans issue text the way the tag-prediction brief asks, before anything is stored or trained on:
/// title and body concatenated; HTML, fenced and inline code, and URLs stripped; personal data (emails, @mentions,
/// access tokens, long hex/base64 secrets) removed; empty and duplicate lines dropped; whitespace collapsed.
/// </summary>
internal static partial class IssueTextCleaner
{
    /// <summary>Upper bound of the cleaned text; longer bodies carry little extra signal and cost featurization time.</summary>
    public const int MaxCleanLength = 4000;

    [GeneratedRegex(@"(?s)```.*?(```|$)|~~~.*?(~~~|$)")]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?is)<(script|style|pre|code)\b[^>]*>.*?</\1\s*>")]
    private static partial Regex HtmlBlocks();

    [GeneratedRegex(@"(?s)<!--.*?-->")]
    private static partial Regex HtmlComments();

    [GeneratedRegex(@"</?[a-zA-Z][^>]*>")]
    private static partial Regex HtmlTags();

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLinks();

    [GeneratedRegex(@"(?i)\b(?:https?|ftp)://\S+|\bwww\.\S+")]
    private static partial Regex Urls();

    [GeneratedRegex(@"(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}")]
    private static partial Regex Emails();

    [GeneratedRegex(@"(?<![\w@])@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,38})(?:/[A-Za-z0-9_.\-]+)?")]
    private static partial Regex Mentions();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abpors]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{35}|sk-[A-Za-z0-9]{20,}|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\b[0-9a-fA-F]{32,}\b")]
    private static partial Regex LongHex();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])[A-Za-z0-9+/]{40,}={0,2}")]
    private static partial Regex LongBase64();

    [GeneratedRegex(@"^[#>*\-+=_|\s\d.]*$")]
    private static partial Regex PunctuationOnlyLine();

    /// <summary>The cleaned concatenation of title and body.</summary>
    public static string Clean(string? title, string? body)
    {
        var text = (title ?? string.Empty) + "\n" + (body ?? string.Empty);
        return CleanText(text);
    }

    public static string CleanText(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return string.Empty;
        var t = raw.Replace("\r\n", "\n").Replace('\r', '\n');
        // Each pass runs only when the text holds what its pattern must contain (a necessary condition, so skipping it
        // changes nothing): serving cleans title, body and then their cleaned concatenation per request, and most passes
        // find nothing in most issues, the third pass nothing at all.
        if (t.Contains("```", StringComparison.Ordinal) || t.Contains("~~~", StringComparison.Ordinal)) t = FencedCode().Replace(t, " ");
        if (t.Contains("<!--", StringComparison.Ordinal)) t = HtmlComments().Replace(t, " ");
        if (t.Contains('<'))
        {
            t = HtmlBlocks().Replace(t, " ");
            t = HtmlTags().Replace(t, " ");
        }
        t = WebUtility.HtmlDecode(t);
        if (t.Contains('`')) t = InlineCode().Replace(t, " ");
        if (t.Contains("](", StringComparison.Ordinal)) t = MarkdownLinks().Replace(t, "$1");
        if (t.Contains("://", StringComparison.Ordinal) || t.Contains("www.", StringComparison.OrdinalIgnoreCase)) t = Urls().Replace(t, " ");
        t = ScrubPersonalData(t);
        return DistinctLines(t);
    }

    /// <summary>
    /// Removes empty, punctuation-only and duplicate lines (case-insensitive, first occurrence kept, in order), collapses
    /// runs of spaces, tabs, form and vertical feeds into one space, trims each line and joins them with one space, up to
    /// <see cref="MaxCleanLength"/>. One pass over the text into one pooled buffer; only kept lines become strings (for
    /// the duplicate check).
    /// </summary>
    private static string DistinctLines(string t)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        // The output is never longer than the input: each line shrinks or stays, and each '\n' becomes at most one ' '.
        var buffer = ArrayPool<char>.Shared.Rent(t.Length + 1);
        try
        {
            var length = 0;
            var rest = t.AsSpan();
            while (true)
            {
                var end = rest.IndexOf('\n');
                var rawLine = end < 0 ? rest : rest[..end];
                var start = length == 0 ? 0 : length + 1;
                var written = CollapseSpaces(rawLine, buffer.AsSpan(start));
                var line = buffer.AsSpan(start, written).Trim();
                if (line.Length > 0 && !PunctuationOnlyLine().IsMatch(line) && lookup.Add(line))
                {
                    if (length > 0) buffer[length++] = ' ';
                    line.CopyTo(buffer.AsSpan(length));
                    length += line.Length;
                    if (length >= MaxCleanLength) break;
                }
                if (end < 0) break;
                rest = rest[(end + 1)..];
            }
            return new string(buffer, 0, Math.Min(length, MaxCleanLength));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies <paramref name="line"/> with each run of <c>[ \t\f\v]</c> replaced by one space; returns the length.</summary>
    private static int CollapseSpaces(ReadOnlySpan<char> line, Span<char> destination)
    {
        var n = 0;
        var inRun = false;
        foreach (var c in line)
        {
            if (c is ' ' or '\t' or '\f' or '\v')
            {
                if (!inRun) destination[n++] = ' ';
                inRun = true;
            }
            else
            {
                destination[n++] = c;
                inRun = false;
            }
        }
        return n;
    }

    /// <summary>Removes emails, @mentions, access tokens and long hex/base64 strings (likely secrets or hashes).</summary>
    public static string ScrubPersonalData(string text)
    {
        // Necessary conditions of the patterns: emails and mentions contain '@'; every token pattern needs 13 or more
        // consecutive [A-Za-z0-9_-] characters (eyJ + 10 is the shortest), long hex 32 of them, long base64 40 of
        // [A-Za-z0-9+/]. A replacement only ever shortens such runs (it puts a space where the match was), so runs
        // measured once here bound those of every later pass.
        var (tokenRun, base64Run) = LongestRuns(text);
        var t = text;
        var hasAt = t.Contains('@');
        if (hasAt) t = Emails().Replace(t, " ");
        if (tokenRun >= 13) t = Tokens().Replace(t, " ");
        if (hasAt) t = Mentions().Replace(t, " ");
        if (tokenRun >= 32) t = LongHex().Replace(t, " ");
        if (base64Run >= 40) t = LongBase64().Replace(t, " ");
        return t;
    }

    /// <summary>Longest runs of <c>[A-Za-z0-9_-]</c> and of <c>[A-Za-z0-9+/]</c> in <paramref name="text"/>.</summary>
    private static (int TokenRun, int Base64Run) LongestRuns(string text)
    {
        int token = 0, base64 = 0, tokenMax = 0, base64Max = 0;
        foreach (var c in text)
        {
            var alnum = char.IsAsciiLetterOrDigit(c);
            token = alnum || c is '_' or '-' ? token + 1 : 0;
            base64 = alnum || c is '+' or '/' ? base64 + 1 : 0;
            if (token > tokenMax) tokenMax = token;
            if (base64 > base64Max) base64Max = base64;
        }
        return (tokenMax, base64Max);
    }
}
