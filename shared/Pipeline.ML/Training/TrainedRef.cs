namespace Pipeline.ML.Training;

/// <summary>Reference to a model fitted on all training rows and staged in blob storage.</summary>
public sealed record TrainedRef(string ModelName, string RunId, TrainerCandidate Candidate, string ArtifactPath, int TrainRows, double Seconds);
