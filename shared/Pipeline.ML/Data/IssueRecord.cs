namespace Pipeline.ML.Data;

/// <summary>One issue as the models see it: already cleaned text, the outcome when closed, and the repository language.</summary>
public sealed record IssueRecord(
    string Repo,
    int Number,
    string Title,
    string Body,
    IReadOnlyList<string> Labels,
    string State,
    string Author,
    string AuthorAssociation,
    DateTime CreatedAt,
    DateTime? ClosedAt,
    string Language)
{
    public string Id => $"{Repo}#{Number}";

    /// <summary>Labels the issue carried when it was opened: rebuilt from the projection's label history (every
    /// <c>labeled</c>/<c>unlabeled</c> after creation undone). Defaults to <see cref="Labels"/> for records built from an
    /// opening event or a request, where the labels are the ones at creation.</summary>
    public IReadOnlyList<string> LabelsAtCreation { get; init; } = Labels;

    public bool IsClosed => ClosedAt is not null && State == "closed";

    public double? DaysToClose => ClosedAt is { } c ? Math.Max(0, (c - CreatedAt).TotalDays) : null;
}

/// <summary>Canonical label classes of the labeler and how raw GitHub label names map onto them.</summary>
public static class LabelTaxonomy
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

    /// <summary>The first label (in the issue's order) that maps onto a canonical class.</summary>
    public static string? Primary(IEnumerable<string> labels)
    {
        foreach (var l in labels)
        {
            if (Canonical(l) is { } c) return c;
        }
        return null;
    }
}
