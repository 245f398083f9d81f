using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

public sealed record EvaluateInput(DatasetRef Dataset, TrainedRef Trained);
