using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.ML.Data;

/// <summary>
/// Verifies and reads documents of the <c>issues</c> collection: required fields with their types
/// (repo: string "owner/name", number: integer, title: string, state: "open"|"closed", created_at: ISO-8601 timestamp;
/// optional body, labels (strings or {name}), author/user.login, author_association, closed_at (required when closed), language).
/// Text is cleaned (<see cref="IssueTextCleaner"/>) as it is read, so nothing downstream sees raw personal data.
/// </summary>
public static class IssueDocumentSchema
{
    public static IReadOnlyList<string> Validate(JsonObject doc)
    {
        var errors = new List<string>();
        var repo = Str(doc, "repo", errors, required: true);
        if (repo is not null && (repo.Split('/') is not { Length: 2 } parts || parts[0].Length == 0 || parts[1].Length == 0))
            errors.Add("repo must be 'owner/name'");
        if (Integer(doc["number"]) is not { } number || number <= 0 || number > int.MaxValue)
            errors.Add("number is required and must be a positive integer");
        Str(doc, "title", errors, required: true);
        var state = Str(doc, "state", errors, required: true);
        if (state is not null && state is not ("open" or "closed")) errors.Add("state must be 'open' or 'closed'");
        var created = Time(doc, "created_at", errors, required: true);
        var closed = Time(doc, "closed_at", errors, required: false);
        if (state == "closed" && closed is null && doc["closed_at"] is null) errors.Add("closed_at is required when state is 'closed'");
        if (created is not null && closed is not null && closed < created) errors.Add("closed_at is before created_at");
        if (doc["body"] is { } b && b.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Null)) errors.Add("body must be a string or null");
        if (doc["labels"] is { } labels)
        {
            if (labels is not JsonArray arr) errors.Add("labels must be an array");
            else if (arr.Any(l => l is null || !(l.GetValueKind() == JsonValueKind.String || l is JsonObject o && o["name"]?.GetValueKind() == JsonValueKind.String)))
                errors.Add("labels must hold strings or objects with a string 'name'");
        }
        return errors;
    }

    /// <summary>The issue, or throws <see cref="IssueSchemaException"/> naming each invalid field.</summary>
    internal static IssueRecord Parse(JsonObject doc, string? language = null)
    {
        var errors = Validate(doc);
        var id = doc["_id"]?.ToString() ?? "(no _id)";
        if (errors.Count > 0) throw new IssueSchemaException(id, errors);
        var labels = doc["labels"] is JsonArray arr
            ? arr.Select(l => l is JsonObject o ? o["name"]!.GetValue<string>() : l!.GetValue<string>()).ToList()
            : new List<string>();
        var author = doc["author"]?.GetValueKind() == JsonValueKind.String ? doc["author"]!.GetValue<string>()
            : (doc["user"] as JsonObject)?["login"]?.GetValue<string>() ?? "unknown";
        var assoc = doc["author_association"]?.GetValueKind() == JsonValueKind.String ? doc["author_association"]!.GetValue<string>() : "NONE";
        var lang = language ?? (doc["language"]?.GetValueKind() == JsonValueKind.String ? doc["language"]!.GetValue<string>() : null) ?? "unknown";
        var created = ParseTime(doc["created_at"]!.GetValue<string>())!.Value;
        DateTime? closed = doc["closed_at"]?.GetValueKind() == JsonValueKind.String ? ParseTime(doc["closed_at"]!.GetValue<string>()) : null;
        var state = doc["state"]!.GetValue<string>();
        var title = doc["title"]!.GetValue<string>();
        var body = doc["body"]?.GetValueKind() == JsonValueKind.String ? doc["body"]!.GetValue<string>() : string.Empty;
        return new IssueRecord(
            doc["repo"]!.GetValue<string>(),
            (int)Integer(doc["number"])!.Value,
            IssueTextCleaner.CleanText(title),
            IssueTextCleaner.CleanText(body),
            labels,
            state,
            author,
            assoc.ToUpperInvariant(),
            created,
            state == "closed" ? closed : null,
            lang)
        {
            LabelsAtCreation = LabelsAtCreation(labels, doc["history"] as JsonArray, created),
        };
    }

    /// <summary>
    /// The labels at creation: the current labels with every <c>labeled</c> event after <paramref name="createdAt"/>
    /// removed and every later <c>unlabeled</c> event restored, newest first. Label events at the creation instant (GitHub
    /// sends them with <c>opened</c> when the author sets labels) count as at creation.
    /// </summary>
    public static IReadOnlyList<string> LabelsAtCreation(IReadOnlyList<string> current, JsonArray? history, DateTime createdAt)
    {
        if (history is null || history.Count == 0) return current;
        var labels = new List<string>(current);
        var events = history.OfType<JsonObject>()
            .Select(h => (Action: h["action"]?.GetValueKind() == JsonValueKind.String ? h["action"]!.GetValue<string>() : null,
                Label: h["label"]?.GetValueKind() == JsonValueKind.String ? h["label"]!.GetValue<string>() : null,
                At: h["at"]?.GetValueKind() == JsonValueKind.String ? ParseTime(h["at"]!.GetValue<string>()) : null))
            .Where(h => h.Label is not null && h.At is { } at && at > createdAt.AddSeconds(LabelGraceSeconds) && h.Action is "labeled" or "unlabeled")
            .OrderByDescending(h => h.At)
            .ToList();
        foreach (var (action, label, _) in events)
        {
            if (action == "labeled") labels.RemoveAll(l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));
            else if (!labels.Contains(label!, StringComparer.OrdinalIgnoreCase)) labels.Add(label!);
        }
        return labels;
    }

    /// <summary>Label events this many seconds after creation still count as set at creation (GitHub emits them with the
    /// opening, a second or so apart).</summary>
    public const int LabelGraceSeconds = 60;

    /// <summary>The node as a whole number, whatever CLR type backs it (int, long, double, or parsed JSON).</summary>
    private static long? Integer(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
        && d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue
            ? (long)d
            : null;

    private static string? Str(JsonObject doc, string field, List<string> errors, bool required)
    {
        var node = doc[field];
        if (node is null)
        {
            if (required) errors.Add($"{field} is required");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add($"{field} must be a string");
            return null;
        }
        var s = node.GetValue<string>();
        if (required && string.IsNullOrWhiteSpace(s)) errors.Add($"{field} must not be empty");
        return s;
    }

    private static DateTime? Time(JsonObject doc, string field, List<string> errors, bool required)
    {
        var node = doc[field];
        if (node is null || node.GetValueKind() == JsonValueKind.Null)
        {
            if (required) errors.Add($"{field} is required");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String || ParseTime(node.GetValue<string>()) is not { } t)
        {
            errors.Add($"{field} must be an ISO-8601 timestamp");
            return null;
        }
        return t;
    }

    public static DateTime? ParseTime(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t.UtcDateTime
            : null;

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c> of the UTC time (milliseconds truncated), written digit by digit: every
    /// logged prediction formats one, and the custom-format path of <see cref="DateTime.ToString(string)"/> cost more than
    /// the rest of the log document.</summary>
    public static string FormatTime(DateTime t) => string.Create(24, t.ToUniversalTime(), static (span, u) =>
    {
        Digits(span, u.Year, 4);
        span[4] = '-';
        Digits(span[5..], u.Month, 2);
        span[7] = '-';
        Digits(span[8..], u.Day, 2);
        span[10] = 'T';
        Digits(span[11..], u.Hour, 2);
        span[13] = ':';
        Digits(span[14..], u.Minute, 2);
        span[16] = ':';
        Digits(span[17..], u.Second, 2);
        span[19] = '.';
        Digits(span[20..], u.Millisecond, 3);
        span[23] = 'Z';
    });

    private static void Digits(Span<char> span, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }
}
