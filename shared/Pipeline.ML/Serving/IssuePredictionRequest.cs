namespace Pipeline.ML.Serving;

/// <summary>Body of <c>POST /api/predict/issue</c> (camelCase JSON).</summary>
public sealed class IssuePredictionRequest
{
    public string? Title { get; set; }
    public string? Body { get; set; }
    /// <summary>Repository full name, <c>owner/name</c>.</summary>
    public string? Repo { get; set; }
    /// <summary>Issue number, when the prediction is about an existing issue (joins ground truth later).</summary>
    public int? Number { get; set; }
    public string? Author { get; set; }
    public string? AuthorAssociation { get; set; }
    public string? Language { get; set; }
    /// <summary>Labels already on the issue (time-to-close feature).</summary>
    public List<string>? Labels { get; set; }
    /// <summary>Which models to run; default both.</summary>
    public List<string>? Models { get; set; }

    public string? IssueRef => Repo is not null && Number is { } n ? $"{Repo}#{n}" : null;
}
