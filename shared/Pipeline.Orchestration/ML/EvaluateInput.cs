using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

public sealed record EvaluateInput(DatasetRef Dataset, TrainedRef Trained);
