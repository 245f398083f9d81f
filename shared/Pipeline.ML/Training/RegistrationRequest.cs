namespace Pipeline.ML.Training;

/// <summary>Everything the gate needs to register a version.</summary>
public sealed record RegistrationRequest(string RunId, string Reason, DatasetRef Dataset, CrossValidationResult CrossValidation, TrainedRef Trained, EvaluationRef Evaluation)
{
    /// <summary>When the run started (its first stage), for the run's duration.</summary>
    public DateTime? StartedAt { get; init; }
    public double? CrossValidationSeconds { get; init; }
}
