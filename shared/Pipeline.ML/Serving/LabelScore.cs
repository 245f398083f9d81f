namespace Pipeline.ML.Serving;

public sealed record LabelScore(string Label, double Score);
