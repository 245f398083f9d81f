namespace Pipeline.ML.Data;

/// <summary>The rows of a data set with what the row rules decided.</summary>
internal sealed record DatasetRows(List<IssueModelInput> Rows, string[] LabelSet, int Censored, int LeftOut);
