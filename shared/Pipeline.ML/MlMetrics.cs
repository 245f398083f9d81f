using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Pipeline.ML;

/// <summary>
/// Instruments of meter <c>Pipeline.ML</c> (exposed by the host at /api/metrics): predictions, latency, prediction-log
/// drops, model version in use, live metrics, drift scores, retrains and alerts.
/// </summary>
public sealed class MlMetrics : IDisposable
{
    public const string MeterName = "Pipeline.ML";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<string, int> _versions = new();
    private readonly ConcurrentDictionary<(string Model, int Version, string Metric), double> _live = new();
    private readonly ConcurrentDictionary<(string Model, string Feature, string Test), double> _drift = new();
    private readonly ConcurrentDictionary<string, double> _datasetDriftShare = new();
    private long _queueDepth;

    public MlMetrics()
    {
        Predictions = _meter.CreateCounter<long>("predictions", description: "Predictions served, by model, version and source");
        Latency = _meter.CreateHistogram<double>("prediction_latency", unit: "ms", description: "Prediction latency in the service");
        LogDropped = _meter.CreateCounter<long>("prediction_log_dropped", description: "Prediction-log entries dropped (queue full or store down)");
        LogWritten = _meter.CreateCounter<long>("prediction_log_written", description: "Prediction-log entries written to the store");
        Retrains = _meter.CreateCounter<long>("retrains_triggered", description: "Retrainings started, by model and trigger");
        Alerts = _meter.CreateCounter<long>("alerts", description: "Monitoring alerts raised");
        _meter.CreateObservableGauge("model_version", () => _versions.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("model", kv.Key))),
            description: "Model version currently serving (champion)");
        _meter.CreateObservableGauge("live_metric", () => _live.Select(kv => new Measurement<double>(kv.Value,
            new("model", kv.Key.Model), new("version", kv.Key.Version), new("metric", kv.Key.Metric))), description: "Rolling live metrics from joined ground truth");
        _meter.CreateObservableGauge("drift_score", () => _drift.Select(kv => new Measurement<double>(kv.Value,
            new("model", kv.Key.Model), new("feature", kv.Key.Feature), new("test", kv.Key.Test))), description: "Drift statistic per feature (p-value or distance)");
        _meter.CreateObservableGauge("dataset_drift_share", () => _datasetDriftShare.Select(kv => new Measurement<double>(kv.Value,
            new KeyValuePair<string, object?>("model", kv.Key))), description: "Share of drifting features");
        _meter.CreateObservableGauge("prediction_log_queue", () => Interlocked.Read(ref _queueDepth), description: "Prediction-log entries waiting to be written");
    }

    public Counter<long> Predictions { get; }
    public Histogram<double> Latency { get; }
    public Counter<long> LogDropped { get; }
    public Counter<long> LogWritten { get; }
    public Counter<long> Retrains { get; }
    public Counter<long> Alerts { get; }

    public void SetServingVersion(string model, int version) => _versions[model] = version;

    public void SetLiveMetric(string model, int version, string metric, double value) => _live[(model, version, metric)] = value;

    public void SetDrift(string model, string feature, string test, double value) => _drift[(model, feature, test)] = value;

    public void SetDatasetDriftShare(string model, double share) => _datasetDriftShare[model] = share;

    public void SetQueueDepth(long depth) => Interlocked.Exchange(ref _queueDepth, depth);

    public void Dispose() => _meter.Dispose();
}
