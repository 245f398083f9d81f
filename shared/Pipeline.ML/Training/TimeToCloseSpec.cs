using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Pipeline.ML.Data;

namespace Pipeline.ML.Training;

/// <summary>
/// <c>time-to-close</c>: a binary head (closes within 7 days) with a Platt-calibrated probability, followed in the same
/// pipeline by a regression head on log(1 + days). Features: text, labels known at creation, repository, language,
/// author association, repository activity and author history.
/// </summary>
internal sealed class TimeToCloseSpec : ModelSpec
{
    public override string Name => ModelNames.TimeToClose;

    public override FittedModel Fit(MLContext ml, IReadOnlyList<IssueModelInput> rows, TrainerCandidate c)
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
        return new FittedModel(pipeline.Fit(data), [], []);
    }

    private const string BinaryLabel = nameof(IssueModelInput.ClosedWithin7Days);
    private const string RegressionLabel = nameof(IssueModelInput.LogDaysToClose);

    // Linear scores are calibrated explicitly with Platt scaling; the tree heads calibrate their own (TrainerHeads).
    private static IEstimator<ITransformer> BinaryHead(MLContext ml, TrainerCandidate c) => TrainerHeads.Binary(ml, c, BinaryLabel, () =>
        ml.BinaryClassification.Trainers.SdcaNonCalibrated(new SdcaNonCalibratedBinaryTrainer.Options
        {
            LabelColumnName = BinaryLabel,
            L2Regularization = (float)c.Get("l2", 1e-4),
            MaximumNumberOfIterations = (int)c.Get("max_iterations", 30),
            NumberOfThreads = 1,
            Shuffle = false,
        }).Append(ml.BinaryClassification.Calibrators.Platt(labelColumnName: BinaryLabel)));

    private static IEstimator<ITransformer> RegressionHead(MLContext ml, TrainerCandidate c) => TrainerHeads.Regression(ml, c, RegressionLabel, () =>
        ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
        {
            LabelColumnName = RegressionLabel,
            L2Regularization = (float)c.Get("l2", 1e-4),
            MaximumNumberOfIterations = (int)c.Get("max_iterations", 30),
            NumberOfThreads = 1,
            Shuffle = false,
        }));

    public static double ExpectedDays(float logDays) => Math.Max(0, Math.Exp(logDays) - 1);

    public static List<(IssueModelInput Row, TimeToCloseOutput Output)> Score(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = model.Transformer.Transform(ml.Data.LoadFromEnumerable(rows));
        return rows.Zip(ml.Data.CreateEnumerable<TimeToCloseOutput>(scored, reuseRowObject: false), (r, o) => (r, o)).ToList();
    }

    public override Dictionary<string, double> Evaluate(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = Score(ml, model, rows);
        var metrics = ClassificationMetrics.Binary(scored.Select(s => s.Row.ClosedWithin7Days).ToList(), scored.Select(s => (double)s.Output.CloseProbability).ToList());
        // Days-to-close error only where the days are known (censored rows carry a lower bound).
        scored = scored.Where(s => !s.Row.Censored).ToList();
        if (scored.Count > 0)
        {
            metrics[MetricNames.MaeDays] = ClassificationMetrics.MeanAbsoluteError(
                scored.Select(s => ExpectedDays(s.Row.LogDaysToClose)).ToList(),
                scored.Select(s => ExpectedDays(s.Output.Score)).ToList());
        }
        return metrics;
    }

    public override (string[] Labels, double[] Scores) PredictionDistribution(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = Score(ml, model, rows);
        return (scored.Select(s => s.Output.ClosePredicted ? "within_7_days" : "later").ToArray(), scored.Select(s => (double)s.Output.CloseProbability).ToArray());
    }
}
