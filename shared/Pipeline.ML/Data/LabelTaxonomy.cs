namespace Pipeline.ML.Data;

/// <summary>Canonical label classes of the labeler and how raw GitHub label names map onto them.</summary>
internal static class LabelTaxonomy
{
    public const string Bug = "bug";
    public const string Enhancement = "enhancement";
    public const string Question = "question";
    public const string Documentation = "documentation";
    public const string Performance = "performance";

    public static IReadOnlyList<string> Classes { get; } = [Bug, Enhancement, Question, Documentation, Performance];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bug"] = Bug,
        ["type: bug"] = Bug,
        ["kind/bug"] = Bug,
        ["type/bug"] = Bug,
        ["defect"] = Bug,
        ["crash"] = Bug,
        ["regression"] = Bug,
        ["enhancement"] = Enhancement,
        ["feature"] = Enhancement,
        ["feature request"] = Enhancement,
        ["feature-request"] = Enhancement,
        ["type: feature"] = Enhancement,
        ["kind/feature"] = Enhancement,
        ["type: enhancement"] = Enhancement,
        ["proposal"] = Enhancement,
        ["question"] = Question,
        ["support"] = Question,
        ["type: question"] = Question,
        ["kind/support"] = Question,
        ["help"] = Question,
        ["documentation"] = Documentation,
        ["docs"] = Documentation,
        ["type: docs"] = Documentation,
        ["kind/documentation"] = Documentation,
        ["area/docs"] = Documentation,
        ["type: documentation"] = Documentation,
        ["performance"] = Performance,
        ["perf"] = Performance,
        ["type: performance"] = Performance,
        ["kind/performance"] = Performance,
    };

    /// <summary>The canonical class of a raw label, or null when it is not one the labeler predicts.</summary>
    public static string? Canonical(string label) => Aliases.TryGetValue(label.Trim(), out var c) ? c : null;

    /// <summary>The first label (in the order) that maps onto a canonical class.</summary>
    public static string? Primary(IEnumerable<string> labels)
    {
        foreach (var l in labels)
        {
            if (Canonical(l) is { } c) return c;
        }
        return null;
    }
}
