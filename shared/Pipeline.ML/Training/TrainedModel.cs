namespace Pipeline.ML.Training;

/// <summary>A fitted model, serialized as the ML.NET zip, with what produced it.</summary>
internal sealed record TrainedModel(string ModelName, TrainerCandidate Candidate, byte[] Artifact, int TrainRows, double Seconds);
