namespace Pipeline.ML.Data;

/// <summary>One issue as the models see it: already cleaned text, the outcome when closed, and the repository language.</summary>
internal sealed record IssueRecord(
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
