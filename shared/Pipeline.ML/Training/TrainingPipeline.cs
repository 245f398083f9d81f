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

/// <summary>
/// The training stages as a service: build data set → cross-validated grid → train best → evaluate → gate and register.
/// Each stage is callable on its own (the durable activities of <c>RetrainModelOrchestrator</c>, passing references to
/// staged blobs) or all at once (<see cref="RunAsync(string,string,CancellationToken)"/>, used at start-up and in benchmarks).
/// </summary>
public sealed class TrainingPipeline(
    IssueDatasetBuilder datasetBuilder,
    ModelRegistry registry,
    TrainingRunStore runs,
    AlertSender alerts,
    IOptions<MlOptions> options,
    ILogger<TrainingPipeline> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, IssueDataset> _datasets = new();
    private TrainingSettings Settings => options.Value.Training;

    internal async Task<TrainingRunReport> RunAsync(string modelName, string reason, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var dataset = await datasetBuilder.BuildAsync(modelName, ct);
        var datasetSeconds = sw.Elapsed.TotalSeconds;
        var report = await RunAsync(dataset, reason, ct);
        return report with { DatasetSeconds = datasetSeconds };
    }

    /// <summary>Runs every stage on a data set already in memory.</summary>
    internal async Task<TrainingRunReport> RunAsync(IssueDataset dataset, string reason, CancellationToken ct = default)
    {
        var runId = NewRunId(dataset.ModelName);
        var started = DateTime.UtcNow;
        var datasetRef = await StageDatasetAsync(dataset, ct);
        var sw = Stopwatch.StartNew();
        var cv = await CrossValidateAsync(datasetRef, ct);
        var cvSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var trained = await TrainBestAsync(datasetRef, cv.Best, runId, ct);
        var trainSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var evaluation = await EvaluateAsync(datasetRef, trained, ct);
        var evaluateSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var version = await GateAndRegisterAsync(new RegistrationRequest(runId, reason, datasetRef, cv, trained, evaluation)
        {
            StartedAt = started,
            CrossValidationSeconds = cvSeconds,
        }, ct);
        return new TrainingRunReport(version, 0, cvSeconds, trainSeconds, evaluateSeconds, sw.Elapsed.TotalSeconds);
    }

    public static string NewRunId(string modelName) => $"{modelName}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..48];

    public async Task<DatasetRef> BuildDatasetAsync(string modelName, CancellationToken ct = default) =>
        await StageDatasetAsync(await datasetBuilder.BuildAsync(modelName, ct), ct);

    /// <summary>Writes the data set to blob storage (once per hash) and keeps it in memory for the following stages.</summary>
    internal async Task<DatasetRef> StageDatasetAsync(IssueDataset dataset, CancellationToken ct = default)
    {
        var path = $"datasets/{dataset.ModelName}/{dataset.Hash}.json.gz";
        _datasets[path] = dataset;
        while (_datasets.Count > 4) _datasets.TryRemove(_datasets.Keys.First(k => k != path), out _);
        if (!await registry.Artifacts.ExistsAsync(path, ct))
        {
            using var ms = new MemoryStream();
            await using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                await JsonSerializer.SerializeAsync(gz, dataset, Json, ct);
            }
            await registry.Artifacts.UploadAsync(path, new BinaryData(ms.ToArray()), ct);
        }
        return new DatasetRef(dataset.ModelName, dataset.Hash, dataset.Size, dataset.Train.Count, dataset.Test.Count, dataset.Source, dataset.SplitTime, dataset.InvalidDocuments, path)
        {
            LabelSet = dataset.LabelSet,
            ClassCounts = dataset.ClassCounts,
            From = dataset.From,
            To = dataset.To,
        };
    }

    internal async Task<IssueDataset> LoadDatasetAsync(DatasetRef reference, CancellationToken ct = default)
    {
        if (_datasets.TryGetValue(reference.BlobPath, out var cached)) return cached;
        var data = await registry.Artifacts.DownloadAsync(reference.BlobPath, ct);
        await using var gz = new GZipStream(data.ToStream(), CompressionMode.Decompress);
        var dataset = await JsonSerializer.DeserializeAsync<IssueDataset>(gz, Json, ct) ?? throw new InvalidDataException($"Empty dataset {reference.BlobPath}");
        if (dataset.Hash != reference.Hash) throw new InvalidDataException($"Dataset {reference.BlobPath} hash mismatch");
        _datasets[reference.BlobPath] = dataset;
        return dataset;
    }

    public async Task<CrossValidationResult> CrossValidateAsync(DatasetRef reference, CancellationToken ct = default)
    {
        var dataset = await LoadDatasetAsync(reference, ct);
        var result = await Task.Run(() => CrossValidator.Run(ModelSpec.For(dataset.ModelName), dataset.Train, Settings, ct), ct);
        TrainingPipelineLog.CrossValidated(logger, dataset.ModelName, result.Rows, result.Best.Describe(), result.PrimaryMetric, result.BestMetrics.GetValueOrDefault(result.PrimaryMetric), result.Candidates.Count(c => c.Status == "ok"), result.Candidates.Count, result.ElapsedSeconds);
        return result;
    }

    public async Task<TrainedRef> TrainBestAsync(DatasetRef reference, TrainerCandidate candidate, string runId, CancellationToken ct = default)
    {
        var dataset = await LoadDatasetAsync(reference, ct);
        var trained = await Task.Run(() => ModelTrainer.TrainFinal(dataset, candidate, Settings), ct);
        var path = $"runs/{dataset.ModelName}/{runId}/model.zip";
        await registry.Artifacts.UploadAsync(path, new BinaryData(trained.Artifact), ct);
        return new TrainedRef(dataset.ModelName, runId, candidate, path, trained.TrainRows, trained.Seconds);
    }

    public async Task<EvaluationRef> EvaluateAsync(DatasetRef reference, TrainedRef trained, CancellationToken ct = default)
    {
        var dataset = await LoadDatasetAsync(reference, ct);
        var artifact = (await registry.Artifacts.DownloadAsync(trained.ArtifactPath, ct)).ToArray();
        var evaluation = await Task.Run(() => ModelTrainer.Evaluate(dataset, artifact, Settings), ct);
        var referencePath = $"runs/{dataset.ModelName}/{trained.RunId}/reference.json";
        await registry.Artifacts.UploadAsync(referencePath, BinaryData.FromObjectAsJson(evaluation.Reference, Json), ct);

        // The champion is measured on the same (newest) test set, so the gate compares like with like.
        int? championVersion = null;
        Dictionary<string, double>? championMetrics = null;
        var champion = await registry.GetChampionAsync(dataset.ModelName, ct);
        if (champion is not null && dataset.Source == ModelGate.Synthetic && champion.Dataset.Source != ModelGate.Synthetic)
        {
            // A synthetic test set says nothing about a champion trained on real data, and the gate rejects a synthetic
            // challenger against it outright. (A real test set re-scores any champion: that is the comparison that counts.)
            TrainingPipelineLog.ChampionNotRescoredOnOtherSource(logger, dataset.ModelName, champion.Version, champion.Dataset.Source, dataset.Source);
            championVersion = champion.Version;
        }
        else if (champion is not null)
        {
            try
            {
                var championArtifact = await registry.LoadArtifactAsync(champion, ct);
                var ml = new MLContext(Settings.Seed);
                championMetrics = ModelSpec.For(dataset.ModelName).Evaluate(ml, ModelTrainer.Deserialize(ml, championArtifact), dataset.Test);
                championVersion = champion.Version;
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or FormatException or ArgumentException or InvalidDataException)
            {
                TrainingPipelineLog.ChampionEvaluationFailed(logger, ex, dataset.ModelName, champion.Version);
                championMetrics = champion.TestMetrics;
                championVersion = champion.Version;
            }
        }
        return new EvaluationRef(evaluation.TestMetrics, evaluation.BaselineMetrics, evaluation.SliceMetrics, referencePath, championVersion, championMetrics, evaluation.Seconds)
        {
            ChampionSource = champion?.Dataset.Source,
        };
    }

    public async Task<ModelVersionInfo> GateAndRegisterAsync(RegistrationRequest r, CancellationToken ct = default)
    {
        var name = r.Dataset.ModelName;
        var decision = ModelGate.Decide(new GateInput(name, r.Evaluation.TestMetrics, r.Dataset.Source, r.Evaluation.BaselineMetrics,
            r.Evaluation.ChampionTestMetrics, r.Evaluation.ChampionSource), options.Value.Gate);
        var info = new ModelVersionInfo
        {
            Name = name,
            RunId = r.RunId,
            CreatedAt = DateTime.UtcNow,
            Reason = r.Reason,
            Dataset = new DatasetInfo
            {
                Hash = r.Dataset.Hash,
                Size = r.Dataset.Size,
                TrainRows = r.Dataset.TrainRows,
                TestRows = r.Dataset.TestRows,
                Source = r.Dataset.Source,
                SplitTime = r.Dataset.SplitTime,
                InvalidDocuments = r.Dataset.InvalidDocuments,
                LabelSet = r.Dataset.LabelSet,
                ClassCounts = r.Dataset.ClassCounts,
                From = r.Dataset.From,
                To = r.Dataset.To,
            },
            BaselineMetrics = r.Evaluation.BaselineMetrics,
            Trainer = r.Trained.Candidate.Trainer,
            Hyperparameters = r.Trained.Candidate.Hyperparameters,
            TextFeaturizer = r.Trained.Candidate.Text,
            PrimaryMetric = ModelNames.PrimaryMetric(name),
            CvMetrics = r.CrossValidation.BestMetrics,
            CvFolds = r.CrossValidation.Folds,
            CvRows = r.CrossValidation.Rows,
            CvCandidates = r.CrossValidation.Candidates.Select(c => new CvCandidateSummary
            {
                Candidate = c.Candidate.Describe(),
                Status = c.Status,
                Metrics = c.MeanMetrics,
                PrimaryStd = c.PrimaryStd,
                Seconds = c.Seconds,
            }).ToList(),
            TestMetrics = r.Evaluation.TestMetrics,
            SliceMetrics = r.Evaluation.SliceMetrics,
            CodeVersion = Registry.CodeVersion.Current,
            Seed = Settings.Seed,
            ParentVersion = r.Evaluation.ChampionVersion,
            Gate = new GateInfo
            {
                Decision = decision.Promote ? "promoted" : "rejected",
                Reason = decision.Reason,
                CandidatePrimary = decision.CandidatePrimary,
                ChampionPrimary = decision.ChampionPrimary,
                ComparedToVersion = r.Evaluation.ChampionVersion,
                FailedChecks = decision.FailedChecks,
                BaselinePrimary = decision.BaselinePrimary,
                ChampionBelowFloors = decision.ChampionBelowFloors,
            },
            ArtifactPath = r.Trained.ArtifactPath,
            ReferencePath = r.Evaluation.ReferencePath,
            TrainSeconds = r.Trained.Seconds,
        };
        var registered = await registry.RegisterAsync(info, decision.Promote, ct);
        if (decision.ChampionBelowFloors)
        {
            await alerts.SendAsync(new MlAlert(name, "warning", $"champion v{r.Evaluation.ChampionVersion} is below the floors on the current test set",
                [.. decision.ChampionFailedFloors, decision.Promote ? $"replaced by v{registered.Version}" : $"challenger v{registered.Version} not better: {decision.Reason}"],
                r.RunId, DateTime.UtcNow), ct);
        }
        await runs.SaveAsync(ToRun(r, registered, decision), ct);
        return registered;
    }

    private TrainingRun ToRun(RegistrationRequest r, ModelVersionInfo v, GateDecision decision)
    {
        var finished = DateTime.UtcNow;
        var started = r.StartedAt ?? finished;
        var cv = r.CrossValidation;
        return new TrainingRun
        {
            Id = r.RunId,
            Model = r.Dataset.ModelName,
            Reason = r.Reason,
            StartedAt = started,
            FinishedAt = finished,
            DurationSeconds = Math.Round((finished - started).TotalSeconds, 3),
            Version = v.Version,
            Params = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["trainer"] = r.Trained.Candidate.Trainer,
                ["text"] = r.Trained.Candidate.Text.ToString(),
                ["cvFolds"] = cv.Folds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["seed"] = Settings.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["grid"] = Settings.Grid,
                ["testFraction"] = Settings.TestFraction.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }.Concat(r.Trained.Candidate.Hyperparameters.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString("G", System.Globalization.CultureInfo.InvariantCulture))))
                .ToDictionary(StringComparer.Ordinal),
            Dataset = new RunDataset
            {
                Hash = r.Dataset.Hash,
                Source = r.Dataset.Source,
                TrainRows = r.Dataset.TrainRows,
                TestRows = r.Dataset.TestRows,
                From = r.Dataset.From,
                To = r.Dataset.To,
                SplitTime = r.Dataset.SplitTime,
                ClassCounts = r.Dataset.ClassCounts,
                LabelSet = r.Dataset.LabelSet,
                BlobPath = r.Dataset.BlobPath,
            },
            PrimaryMetric = ModelNames.PrimaryMetric(r.Dataset.ModelName),
            CvMetrics = cv.BestMetrics,
            Folds = cv.FoldLayout.Select(f => new RunFold
            {
                Fold = f.Fold,
                TrainRows = f.TrainRows,
                ValidRows = f.ValidRows,
                TrainTo = f.TrainTo,
                ValidFrom = f.ValidFrom,
                ValidTo = f.ValidTo,
                Metrics = f.Fold < cv.BestFoldMetrics.Count ? cv.BestFoldMetrics[f.Fold] : [],
            }).ToList(),
            Candidates = cv.Candidates.Select(c => new RunCandidate
            {
                Candidate = c.Candidate.Describe(),
                Status = c.Status,
                Metrics = c.MeanMetrics,
                FoldMetrics = c.FoldMetrics,
                Seconds = Math.Round(c.Seconds, 3),
            }).ToList(),
            BaselineMetrics = r.Evaluation.BaselineMetrics,
            TestMetrics = r.Evaluation.TestMetrics,
            SliceMetrics = r.Evaluation.SliceMetrics,
            ChampionTestMetrics = r.Evaluation.ChampionTestMetrics,
            ChampionVersion = r.Evaluation.ChampionVersion,
            Decision = decision.Promote ? "promoted" : "rejected",
            DecisionReason = decision.Reason,
            ChampionBelowFloors = decision.ChampionBelowFloors,
            Artifacts = new Dictionary<string, string>
            {
                ["model"] = r.Trained.ArtifactPath,
                ["driftReference"] = r.Evaluation.ReferencePath,
                ["dataset"] = r.Dataset.BlobPath,
            },
            StageSeconds = new Dictionary<string, double>
            {
                ["cv"] = Math.Round(r.CrossValidation.ElapsedSeconds, 3),
                ["train"] = Math.Round(r.Trained.Seconds, 3),
                ["evaluate"] = Math.Round(r.Evaluation.Seconds, 3),
            },
        };
    }

    internal async Task<DriftReference?> LoadReferenceAsync(ModelVersionInfo version, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(version.ReferencePath)) return null;
        var data = await registry.Artifacts.DownloadAsync(version.ReferencePath, ct);
        return data.ToObjectFromJson<DriftReference>(Json);
    }
}

/// <summary>The source-generated log messages of TrainingPipeline (event ids: docs/architecture.md).</summary>
internal static partial class TrainingPipelineLog
{
    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "CV for {Model} on {Rows} rows: best {Best} {Metric}={Value:0.####} ({Evaluated}/{Total} candidates in {Seconds:0.0}s)")]
    public static partial void CrossValidated(ILogger logger, string model, int rows, string best, string metric, double value, int evaluated, int total, double seconds);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Champion {Model} v{Version} was trained on {ChampionSource} data; this test set is {Source}: not re-scored")]
    public static partial void ChampionNotRescoredOnOtherSource(ILogger logger, string model, int version, string championSource, string source);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Champion {Model} v{Version} could not be evaluated; comparing with its recorded test metrics")]
    public static partial void ChampionEvaluationFailed(ILogger logger, Exception exception, string model, int version);
}
