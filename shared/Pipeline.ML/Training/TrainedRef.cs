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

/// <summary>Reference to a model fitted on all training rows and staged in blob storage.</summary>
public sealed record TrainedRef(string ModelName, string RunId, TrainerCandidate Candidate, string ArtifactPath, int TrainRows, double Seconds);
