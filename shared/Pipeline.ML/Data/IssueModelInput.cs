namespace Pipeline.ML.Data;

/// <summary>
/// One row of both models' input (and of a dataset): cleaned text, categorical and history features, and the targets.
/// The targets are ignored at prediction time.
/// </summary>
internal sealed class IssueModelInput
{
    /// <summary>Issue reference "owner/name#number" (not a feature).</summary>
    public string Id { get; set; } = string.Empty;
    /// <summary>Creation time in ticks (not a feature; drives the time split).</summary>
    public long CreatedAtTicks { get; set; }

    /// <summary>Cleaned title + body.</summary>
    public string Text { get; set; } = string.Empty;
    public string Repo { get; set; } = string.Empty;
    public string AuthorAssociation { get; set; } = "NONE";
    public string Language { get; set; } = "unknown";
    /// <summary>Labels known at creation, space separated, "none" when there are none (time-to-close feature only).</summary>
    public string LabelsText { get; set; } = "none";

    /// <summary>log(1 + cleaned text length).</summary>
    public float TextLength { get; set; }
    /// <summary>Issues opened in the repository in the 30 days before this one.</summary>
    public float RepoActivity30d { get; set; }
    /// <summary>Mean days-to-close of the repository's issues closed before this one was opened (0 when none).</summary>
    public float RepoMeanCloseDays { get; set; }
    /// <summary>Issues the author opened before this one.</summary>
    public float AuthorPriorIssues { get; set; }
    /// <summary>Smoothed share of the author's earlier issues closed within 7 days ((fast+1)/(closed+2)).</summary>
    public float AuthorFastCloseRate { get; set; } = 0.5f;

    /// <summary>Labeler target (not a feature): the issue's labels within the model's label set, normalised
    /// (<see cref="LabelSetRules.Normalize"/>), joined by <see cref="LabelSetRules.Separator"/>; empty when none.</summary>
    public string LabelSet { get; set; } = string.Empty;

    /// <summary>Time-to-close rows only: true when the outcome is censored (still open ≥ 7 days at the cut-off, so a
    /// known negative whose days-to-close is only a lower bound).</summary>
    public bool Censored { get; set; }

    /// <summary>The labeler targets as a list.</summary>
    public IReadOnlyList<string> TrueLabels() => LabelSet.Length == 0 ? [] : LabelSet.Split(LabelSetRules.Separator);
    /// <summary>Time-to-close binary target.</summary>
    public bool ClosedWithin7Days { get; set; }
    /// <summary>Time-to-close regression target: log(1 + days to close).</summary>
    public float LogDaysToClose { get; set; }

    public static readonly string[] NumericFeatures =
        [nameof(TextLength), nameof(RepoActivity30d), nameof(RepoMeanCloseDays), nameof(AuthorPriorIssues), nameof(AuthorFastCloseRate)];

    public static readonly string[] CategoricalFeatures = [nameof(Repo), nameof(AuthorAssociation), nameof(Language)];

    public float Numeric(string name) => name switch
    {
        nameof(TextLength) => TextLength,
        nameof(RepoActivity30d) => RepoActivity30d,
        nameof(RepoMeanCloseDays) => RepoMeanCloseDays,
        nameof(AuthorPriorIssues) => AuthorPriorIssues,
        nameof(AuthorFastCloseRate) => AuthorFastCloseRate,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown numeric feature"),
    };

    public string Categorical(string name) => name switch
    {
        nameof(Repo) => Repo,
        nameof(AuthorAssociation) => AuthorAssociation,
        nameof(Language) => Language,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown categorical feature"),
    };
}
