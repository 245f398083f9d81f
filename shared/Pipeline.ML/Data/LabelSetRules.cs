namespace Pipeline.ML.Data;

/// <summary>
/// The labeler's label set is learned from the data: every label (normalised) with at least <c>Ml:Labeler:MinExamples</c>
/// examples in the data set's window, restricted to <c>Ml:Labeler:Include</c> when that list is not empty, minus
/// <c>Ml:Labeler:Exclude</c>. Normalisation lower-cases and trims a label and folds well-known aliases ("type: bug",
/// "kind/bug" → "bug"; <see cref="LabelTaxonomy"/>), so one concept is one label.
/// </summary>
internal static class LabelSetRules
{
    /// <summary>Joins the labels of one row in <see cref="IssueModelInput.LabelSet"/> (never part of a label name).</summary>
    public const char Separator = '\u001f';

    public static string Normalize(string label) => LabelTaxonomy.Canonical(label) ?? label.Trim().ToLowerInvariant();

    /// <summary>The label set of a window of issues, ordered by name.</summary>
    public static string[] Learn(IEnumerable<IReadOnlyList<string>> labelsPerIssue, LabelerSettings settings)
    {
        var include = Parse(settings.Include);
        var exclude = Parse(settings.Exclude);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var labels in labelsPerIssue)
        {
            foreach (var l in labels.Select(Normalize).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal))
                counts[l] = counts.GetValueOrDefault(l) + 1;
        }
        return counts.Where(kv => kv.Value >= settings.MinExamples && (include.Count == 0 || include.Contains(kv.Key)) && !exclude.Contains(kv.Key))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The issue's labels that are in the set, normalised, in set order.</summary>
    public static List<string> Within(IEnumerable<string> labels, IReadOnlyCollection<string> set)
    {
        var normalized = labels.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        return set.Where(normalized.Contains).ToList();
    }

    public static HashSet<string> Parse(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Normalize).ToHashSet(StringComparer.Ordinal);
}
