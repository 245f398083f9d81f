using Pipeline.ML.Registry;

namespace Pipeline.ML.Training;

/// <summary>Timing of each stage of one training run (seconds).</summary>
internal sealed record TrainingRunReport(ModelVersionInfo Version, double DatasetSeconds, double CrossValidationSeconds, double TrainSeconds, double EvaluateSeconds, double RegisterSeconds);
