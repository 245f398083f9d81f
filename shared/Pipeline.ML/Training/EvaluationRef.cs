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

/// <summary>Test and slice metrics of the candidate, and of the current champion on the same test set.</summary>
public sealed record EvaluationRef(
    Dictionary<string, double> TestMetrics,
    Dictionary<string, double> BaselineMetrics,
    Dictionary<string, Dictionary<string, double>> SliceMetrics,
    string ReferencePath,
    int? ChampionVersion,
    Dictionary<string, double>? ChampionTestMetrics,
    double Seconds)
{
    /// <summary>Data source of the champion's training set (<c>store</c> or <c>synthetic</c>).</summary>
    public string? ChampionSource { get; init; }
}
