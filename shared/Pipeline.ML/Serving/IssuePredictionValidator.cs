using System.Text;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>Field-level validation of prediction requests, with the size limits of <c>Ml:Serving</c>.</summary>
public static class IssuePredictionValidator
{
    private static readonly HashSet<string> Associations = new(StringComparer.OrdinalIgnoreCase)
        { "OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR", "MANNEQUIN", "NONE" };

    public static Dictionary<string, string[]> Validate(IssuePredictionRequest? r, ServingSettings s, string prefix = "")
    {
        // Runs on every prediction: a valid request allocates nothing here but the empty result (the error map is created
        // by the first error; no Split of the repo, no UTF-8 count of a body too short to exceed the limit).
        Dictionary<string, List<string>>? errors = null;
        void Add(string field, string message)
        {
            errors ??= [];
            var key = prefix + field;
            if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
            list.Add(message);
        }
        if (r is null)
        {
            Add("body", "a JSON object is required");
            return Finish(errors);
        }
        if (string.IsNullOrWhiteSpace(r.Title)) Add("title", "title is required");
        else if (r.Title.Length > s.MaxTitleLength) Add("title", $"title must be at most {s.MaxTitleLength} characters (got {r.Title.Length})");
        if (r.Body is not null && Utf8ByteCountExceeds(r.Body, s.MaxBodyBytes)) Add("body", $"body must be at most {s.MaxBodyBytes} bytes of UTF-8");
        if (string.IsNullOrWhiteSpace(r.Repo)) Add("repo", "repo is required ('owner/name')");
        else if (r.Repo.Length > 200 || !IsOwnerSlashName(r.Repo))
            Add("repo", "repo must be 'owner/name'");
        if (r.Number is <= 0) Add("number", "number must be a positive integer");
        if (r.Author is { Length: > 100 }) Add("author", "author must be at most 100 characters");
        if (r.AuthorAssociation is not null && !Associations.Contains(r.AuthorAssociation))
            Add("author_association", $"author_association must be one of {string.Join(", ", Associations.Order())}");
        if (r.Language is { Length: > 50 }) Add("language", "language must be at most 50 characters");
        if (r.Labels is not null)
        {
            if (r.Labels.Count > 30) Add("labels", "at most 30 labels");
            if (r.Labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 100)) Add("labels", "labels must be non-empty strings of at most 100 characters");
        }
        if (r.Models is not null)
        {
            if (r.Models.Count == 0) Add("models", "models must name at least one model when given");
            foreach (var m in r.Models.Where(m => !ModelNames.IsKnown(m))) Add("models", $"unknown model '{m}' (known: {string.Join(", ", ModelNames.All)})");
        }
        return Finish(errors);
    }

    public static Dictionary<string, string[]> ValidateBatch(IssueBatchPredictionRequest? batch, ServingSettings s)
    {
        if (batch?.Items is null) return new() { ["items"] = ["items (an array of issues) is required"] };
        if (batch.Items.Count == 0) return new() { ["items"] = ["items must not be empty"] };
        if (batch.Items.Count > s.MaxBatchItems) return new() { ["items"] = [$"at most {s.MaxBatchItems} items per batch (got {batch.Items.Count})"] };
        var all = new Dictionary<string, string[]>();
        for (var i = 0; i < batch.Items.Count; i++)
        {
            foreach (var kv in Validate(batch.Items[i], s, $"items[{i}].")) all[kv.Key] = kv.Value;
        }
        return all;
    }

    private static Dictionary<string, string[]> Finish(Dictionary<string, List<string>>? errors) =>
        errors is null ? [] : errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    /// <summary>Whether the UTF-8 of <paramref name="text"/> is longer than <paramref name="max"/> bytes. A UTF-16 unit
    /// encodes to 1–3 bytes (a surrogate pair to 4 for 2 units, a lone surrogate to the 3 of U+FFFD), so only lengths
    /// between max/3 and max need the count.</summary>
    internal static bool Utf8ByteCountExceeds(string text, long max)
    {
        if (text.Length > max) return true;
        if (text.Length * 3L <= max) return false;
        return Encoding.UTF8.GetByteCount(text) > max;
    }

    /// <summary>Exactly one '/', with something before and after it, and no white space (what <c>Split('/')</c> into two
    /// non-empty parts and no <see cref="char.IsWhiteSpace(char)"/> meant).</summary>
    internal static bool IsOwnerSlashName(string repo)
    {
        var slash = repo.IndexOf('/');
        if (slash <= 0 || slash == repo.Length - 1 || repo.IndexOf('/', slash + 1) >= 0) return false;
        foreach (var c in repo)
        {
            if (char.IsWhiteSpace(c)) return false;
        }
        return true;
    }
}
