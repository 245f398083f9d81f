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

/// <summary>Timing of each stage of one training run (seconds).</summary>
public sealed record TrainingRunReport(ModelVersionInfo Version, double DatasetSeconds, double CrossValidationSeconds, double TrainSeconds, double EvaluateSeconds, double RegisterSeconds);
