namespace Pipeline.ML;

public sealed class LabelerSettings
{
    /// <summary>A label joins the labeler's label set when at least this many issues of the data set carry it.</summary>
    public int MinExamples { get; set; } = 30;
    /// <summary>Comma-separated labels to consider (empty: every label).</summary>
    public string Include { get; set; } = string.Empty;
    /// <summary>Comma-separated labels never predicted: workflow labels that say nothing about the content.</summary>
    public string Exclude { get; set; } = "needs-triage,triage,good first issue,help wanted,priority: high,priority: low,stale,duplicate,invalid,wontfix";
}
