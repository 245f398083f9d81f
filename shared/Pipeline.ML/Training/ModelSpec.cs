using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;
using Pipeline.ML.Data;

namespace Pipeline.ML.Training;

/// <summary>
/// What differs between the two models: which rows they learn from, their ML.NET pipeline per grid candidate, and how
/// predictions become metrics. Trainers run single-threaded with fixed seeds so that a data set hash plus a candidate
/// always reproduce the same model and metrics (folds run in parallel instead).
/// </summary>
public abstract class ModelSpec
{
    public abstract string Name { get; }

    public string PrimaryMetric => ModelNames.PrimaryMetric(Name);

    public abstract ITransformer Fit(MLContext ml, IReadOnlyList<IssueModelInput> rows, TrainerCandidate candidate);

    public abstract Dictionary<string, double> Evaluate(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows);

    /// <summary>Predicted label (labeler) or closes-within-7-days probability as text for prediction-distribution drift.</summary>
    public abstract (string[] Labels, double[] Scores) PredictionDistribution(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows);

    public static ModelSpec For(string name) => name switch
    {
        ModelNames.IssueLabeler => new LabelerSpec(),
        ModelNames.TimeToClose => new TimeToCloseSpec(),
        _ => throw new ArgumentException($"Unknown model '{name}'", nameof(name)),
    };

    protected static TextFeaturizingEstimator.Options TextOptions(TextSettings s) => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepDiacritics = false,
        KeepPunctuations = false,
        KeepNumbers = false,
        StopWordsRemoverOptions = new StopWordsRemovingEstimator.Options { Language = TextFeaturizingEstimator.Language.English },
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = s.WordNgrams, UseAllLengths = true },
        CharFeatureExtractor = s.CharNgrams > 0 ? new WordBagEstimator.Options { NgramLength = s.CharNgrams, UseAllLengths = false } : null,
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };

}

/// <summary><c>issue-labeler</c>: multiclass on the canonical primary label from text, repository and author association.</summary>
public sealed class LabelerSpec : ModelSpec
{
    public override string Name => ModelNames.IssueLabeler;

    public override ITransformer Fit(MLContext ml, IReadOnlyList<IssueModelInput> rows, TrainerCandidate c)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.Text.FeaturizeText("TextFeatures", TextOptions(c.Text), nameof(IssueModelInput.Text))
            .Append(ml.Transforms.Categorical.OneHotEncoding(
                [new InputOutputColumnPair("RepoFeatures", nameof(IssueModelInput.Repo)), new InputOutputColumnPair("AssocFeatures", nameof(IssueModelInput.AuthorAssociation))]))
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "RepoFeatures", "AssocFeatures"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(IssueModelInput.PrimaryLabel), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .AppendCacheCheckpoint(ml);
        var pipeline = features
            .Append(Trainer(ml, c))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));
        return pipeline.Fit(data);
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, TrainerCandidate c) => c.Trainer switch
    {
        TrainerGrid.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = (float)c.Get("l2", 1e-4),
            MaximumNumberOfIterations = (int)c.Get("max_iterations", 30),
            NumberOfThreads = 1,
            Shuffle = false,
        }),
        TrainerGrid.LightGbm => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            NumberOfLeaves = (int)c.Get("leaves", 15),
            NumberOfIterations = (int)c.Get("iterations", 80),
            LearningRate = c.Get("learning_rate", 0.2),
            MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10),
            NumberOfThreads = 1,
            Seed = 1,
            Deterministic = true,
            Silent = true,
        }),
        TrainerGrid.FastTree => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfLeaves = (int)c.Get("leaves", 16),
                NumberOfTrees = (int)c.Get("trees", 40),
                LearningRate = c.Get("learning_rate", 0.2),
                MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10),
                NumberOfThreads = 1,
                Seed = 1,
            })),
        _ => throw new ArgumentException($"Unknown trainer '{c.Trainer}'"),
    };

    /// <summary>Class names in the order of the Score vector's slots.</summary>
    public static string[] ClassNames(DataViewSchema outputSchema)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        var score = outputSchema["Score"];
        if (score.HasSlotNames()) score.GetSlotNames(ref names);
        else outputSchema["Label"].GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    /// <summary>Scores normalised to probabilities (one-versus-all outputs do not sum to one).</summary>
    public static double[] Normalize(float[] scores)
    {
        var sum = scores.Sum(s => Math.Max(0, (double)s));
        return sum <= 0 ? scores.Select(_ => 1.0 / scores.Length).ToArray() : scores.Select(s => Math.Max(0, (double)s) / sum).ToArray();
    }

    public static List<(string Truth, string Predicted, double[] Probabilities)> Score(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows, out string[] classes)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        classes = ClassNames(scored.Schema);
        var outputs = ml.Data.CreateEnumerable<LabelerOutput>(scored, reuseRowObject: false).ToList();
        return rows.Zip(outputs, (r, o) => (r.PrimaryLabel, o.PredictedLabel, Normalize(o.Score))).ToList();
    }

    public override Dictionary<string, double> Evaluate(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = Score(ml, model, rows, out var classes);
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        return ClassificationMetrics.Multiclass(
            scored.Select(s => s.Truth).ToList(),
            scored.Select(s => s.Predicted).ToList(),
            scored.Select(s => index.TryGetValue(s.Truth, out var i) ? s.Probabilities[i] : 0.0).ToList());
    }

    public override (string[] Labels, double[] Scores) PredictionDistribution(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = Score(ml, model, rows, out _);
        return (scored.Select(s => s.Predicted).ToArray(), scored.Select(s => s.Probabilities.Max()).ToArray());
    }
}

/// <summary>
/// <c>time-to-close</c>: a binary head (closes within 7 days) with a Platt-calibrated probability, followed in the same
/// pipeline by a regression head on log(1 + days). Features: text, labels known at creation, repository, language,
/// author association, repository activity and author history.
/// </summary>
public sealed class TimeToCloseSpec : ModelSpec
{
    public override string Name => ModelNames.TimeToClose;

    public override ITransformer Fit(MLContext ml, IReadOnlyList<IssueModelInput> rows, TrainerCandidate c)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.Text.FeaturizeText("TextFeatures", TextOptions(c.Text), nameof(IssueModelInput.Text))
            .Append(ml.Transforms.Text.TokenizeIntoWords("LabelTokens", nameof(IssueModelInput.LabelsText)))
            .Append(ml.Transforms.Text.ProduceWordBags("LabelFeatures", "LabelTokens", ngramLength: 1, useAllLengths: false))
            .Append(ml.Transforms.Categorical.OneHotEncoding(
            [
                new InputOutputColumnPair("RepoFeatures", nameof(IssueModelInput.Repo)),
                new InputOutputColumnPair("AssocFeatures", nameof(IssueModelInput.AuthorAssociation)),
                new InputOutputColumnPair("LanguageFeatures", nameof(IssueModelInput.Language)),
            ]))
            .Append(ml.Transforms.Concatenate("NumericRaw", IssueModelInput.NumericFeatures))
            .Append(ml.Transforms.NormalizeMeanVariance("NumericFeatures", "NumericRaw"))
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "LabelFeatures", "RepoFeatures", "AssocFeatures", "LanguageFeatures", "NumericFeatures"))
            .AppendCacheCheckpoint(ml);
        var pipeline = features
            .Append(BinaryHead(ml, c))
            .Append(ml.Transforms.CopyColumns("CloseProbability", "Probability"))
            .Append(ml.Transforms.CopyColumns("ClosePredicted", "PredictedLabel"))
            .Append(RegressionHead(ml, c));
        return pipeline.Fit(data);
    }

    private const string BinaryLabel = nameof(IssueModelInput.ClosedWithin7Days);
    private const string RegressionLabel = nameof(IssueModelInput.LogDaysToClose);

    private static IEstimator<ITransformer> BinaryHead(MLContext ml, TrainerCandidate c) => c.Trainer switch
    {
        // Linear scores are calibrated explicitly with Platt scaling.
        TrainerGrid.Sdca => ml.BinaryClassification.Trainers.SdcaNonCalibrated(new SdcaNonCalibratedBinaryTrainer.Options
        {
            LabelColumnName = BinaryLabel,
            L2Regularization = (float)c.Get("l2", 1e-4),
            MaximumNumberOfIterations = (int)c.Get("max_iterations", 30),
            NumberOfThreads = 1,
            Shuffle = false,
        }).Append(ml.BinaryClassification.Calibrators.Platt(labelColumnName: BinaryLabel)),
        // The boosted-tree trainers fit a Platt calibrator on their own scores.
        TrainerGrid.LightGbm => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = BinaryLabel,
            NumberOfLeaves = (int)c.Get("leaves", 15),
            NumberOfIterations = (int)c.Get("iterations", 80),
            LearningRate = c.Get("learning_rate", 0.2),
            MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10),
            NumberOfThreads = 1,
            Seed = 1,
            Deterministic = true,
            Silent = true,
        }),
        TrainerGrid.FastTree => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = BinaryLabel,
            NumberOfLeaves = (int)c.Get("leaves", 16),
            NumberOfTrees = (int)c.Get("trees", 40),
            LearningRate = c.Get("learning_rate", 0.2),
            MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10),
            NumberOfThreads = 1,
            Seed = 1,
        }),
        _ => throw new ArgumentException($"Unknown trainer '{c.Trainer}'"),
    };

    private static IEstimator<ITransformer> RegressionHead(MLContext ml, TrainerCandidate c) => c.Trainer switch
    {
        TrainerGrid.Sdca => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
        {
            LabelColumnName = RegressionLabel,
            L2Regularization = (float)c.Get("l2", 1e-4),
            MaximumNumberOfIterations = (int)c.Get("max_iterations", 30),
            NumberOfThreads = 1,
            Shuffle = false,
        }),
        TrainerGrid.LightGbm => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = RegressionLabel,
            NumberOfLeaves = (int)c.Get("leaves", 15),
            NumberOfIterations = (int)c.Get("iterations", 80),
            LearningRate = c.Get("learning_rate", 0.2),
            MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10),
            NumberOfThreads = 1,
            Seed = 1,
            Deterministic = true,
            Silent = true,
        }),
        TrainerGrid.FastTree => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = RegressionLabel,
            NumberOfLeaves = (int)c.Get("leaves", 16),
            NumberOfTrees = (int)c.Get("trees", 40),
            LearningRate = c.Get("learning_rate", 0.2),
            MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10),
            NumberOfThreads = 1,
            Seed = 1,
        }),
        _ => throw new ArgumentException($"Unknown trainer '{c.Trainer}'"),
    };

    public static double ExpectedDays(float logDays) => Math.Max(0, Math.Exp(logDays) - 1);

    public static List<(IssueModelInput Row, TimeToCloseOutput Output)> Score(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        return rows.Zip(ml.Data.CreateEnumerable<TimeToCloseOutput>(scored, reuseRowObject: false), (r, o) => (r, o)).ToList();
    }

    public override Dictionary<string, double> Evaluate(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = Score(ml, model, rows);
        var metrics = ClassificationMetrics.Binary(scored.Select(s => s.Row.ClosedWithin7Days).ToList(), scored.Select(s => (double)s.Output.CloseProbability).ToList());
        if (scored.Count > 0)
        {
            metrics[MetricNames.MaeDays] = ClassificationMetrics.MeanAbsoluteError(
                scored.Select(s => ExpectedDays(s.Row.LogDaysToClose)).ToList(),
                scored.Select(s => ExpectedDays(s.Output.Score)).ToList());
        }
        return metrics;
    }

    public override (string[] Labels, double[] Scores) PredictionDistribution(MLContext ml, ITransformer model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = Score(ml, model, rows);
        return (scored.Select(s => s.Output.ClosePredicted ? "within_7_days" : "later").ToArray(), scored.Select(s => (double)s.Output.CloseProbability).ToArray());
    }
}
