namespace Pipeline.ML.Data;

/// <summary>How a generated window departs from the default distribution (drift injection for tests and demos).</summary>
internal sealed record SyntheticShift
{
    /// <summary>Relative weights of bug, enhancement, question, documentation, performance; null keeps the default mix.</summary>
    public double[]? LabelWeights { get; init; }
    /// <summary>Multiplies the number of body sentences (longer texts).</summary>
    public double BodyLengthFactor { get; init; } = 1.0;
    /// <summary>Restricts issues to these repositories (index into <see cref="SyntheticIssueGenerator.Repositories"/>).</summary>
    public int[]? RepoIndexes { get; init; }
    /// <summary>Share of authors who are first-timers (association NONE).</summary>
    public double? FirstTimerShare { get; init; }
    /// <summary>Multiplies every time to close (concept drift: the same issue now takes longer).</summary>
    public double CloseTimeFactor { get; init; } = 1.0;
    /// <summary>Concept drift for the labeler: issues of class i are worded like class <c>VocabularyOf[i]</c>.</summary>
    public int[]? VocabularyOf { get; init; }

    public static SyntheticShift None { get; } = new();
}
