using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;

namespace Pipeline.ML.Training;

/// <summary>Everything the gate needs to register a version.</summary>
public sealed record RegistrationRequest(string RunId, string Reason, DatasetRef Dataset, CrossValidationResult CrossValidation, TrainedRef Trained, EvaluationRef Evaluation)
{
    /// <summary>When the run started (its first stage), for the run's duration.</summary>
    public DateTime? StartedAt { get; init; }
    public double? CrossValidationSeconds { get; init; }
}
