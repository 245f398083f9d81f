using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

public sealed record TrainBestInput(DatasetRef Dataset, TrainerCandidate Candidate, string RunId);
