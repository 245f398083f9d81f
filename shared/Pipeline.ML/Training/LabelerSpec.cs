using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Pipeline.ML.Data;
using Pipeline.ML.Serving;

namespace Pipeline.ML.Training;

/// <summary>
/// <c>issue-labeler</c>: multi-label, one-vs-rest. Text, repository and author association are featurized once; then one
/// calibrated binary classifier per label of the data set's label set (<see cref="IssueDataset.LabelSet"/>, learned from the
/// data) is fitted on the older part of the rows, and each label's decision threshold is tuned for F1 on the newest
/// <see cref="ValidationFraction"/> of them (validation data the classifiers did not see). The fitted chain outputs one
/// probability per label (<see cref="LabelerOutput.LabelProbabilities"/>); labels and thresholds travel with the model.
/// </summary>
internal sealed class LabelerSpec : ModelSpec
{
    public override string Name => ModelNames.IssueLabeler;

    /// <summary>Newest share of the rows held out to tune the per-label thresholds.</summary>
    public const double ValidationFraction = 0.2;

    private static readonly double[] ThresholdGrid = Enumerable.Range(1, 19).Select(i => i * 0.05).ToArray();

    private sealed class LabelSetColumn
    {
        public string LabelSet { get; set; } = string.Empty;
    }

    private sealed class TargetColumn
    {
        public bool Target { get; set; }
    }

    public override FittedModel Fit(MLContext ml, IReadOnlyList<IssueModelInput> rows, TrainerCandidate c)
    {
        var ordered = rows.OrderBy(r => r.CreatedAtTicks).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var validCount = ordered.Count >= 50 ? (int)Math.Round(ordered.Count * ValidationFraction) : 0;
        var fitRows = ordered.Take(ordered.Count - validCount).ToList();
        var validRows = validCount > 0 ? ordered.Skip(ordered.Count - validCount).ToList() : fitRows;
        var candidates = fitRows.SelectMany(r => r.TrueLabels()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var data = ml.Data.LoadFromEnumerable(fitRows);
        var featurizer = ml.Transforms.Text.FeaturizeText("TextFeatures", TextOptions(c.Text), nameof(IssueModelInput.Text))
            .Append(ml.Transforms.Categorical.OneHotEncoding(
                [new InputOutputColumnPair("RepoFeatures", nameof(IssueModelInput.Repo)), new InputOutputColumnPair("AssocFeatures", nameof(IssueModelInput.AuthorAssociation))]))
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "RepoFeatures", "AssocFeatures"))
            .Fit(data);
        var featurized = ml.Data.Cache(featurizer.Transform(data));
        var chain = new List<ITransformer> { featurizer };
        var labels = new List<string>();
        IDataView scored = featurized;
        foreach (var label in candidates)
        {
            var positives = fitRows.Count(r => r.TrueLabels().Contains(label));
            if (positives == 0 || positives == fitRows.Count) continue; // nothing to separate in this window
            var target = ml.Transforms.CustomMapping<LabelSetColumn, TargetColumn>(
                (src, dst) => dst.Target = src.LabelSet.Split(LabelSetRules.Separator).Contains(label), contractName: null);
            var withTarget = target.Fit(featurized).Transform(featurized);
            var head = Trainer(ml, c).Fit(withTarget);
            scored = head.Transform(scored);
            var copy = ml.Transforms.CopyColumns($"P{labels.Count}", "Probability").Fit(scored);
            scored = copy.Transform(scored);
            chain.Add(head);
            chain.Add(copy);
            labels.Add(label);
        }
        if (labels.Count == 0) throw new InvalidOperationException($"No label of the set ({string.Join(", ", candidates)}) has both positive and negative rows to learn from");
        var concat = ml.Transforms.Concatenate(nameof(LabelerOutput.LabelProbabilities), labels.Select((_, i) => $"P{i}").ToArray()).Fit(scored);
        chain.Add(concat);
        var transformer = new TransformerChain<ITransformer>(chain.ToArray());
        var untuned = new FittedModel(transformer, labels.ToArray(), labels.Select(_ => 0.5).ToArray());
        return untuned with { Thresholds = TuneThresholds(ml, untuned, validRows) };
    }

    /// <summary>Per label, the threshold of <see cref="ThresholdGrid"/> with the best F1 on the validation rows (0.5 when
    /// the validation rows have no positive of that label).</summary>
    private static double[] TuneThresholds(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> valid)
    {
        var probabilities = Probabilities(ml, model, valid);
        var thresholds = new double[model.Labels.Length];
        for (var k = 0; k < model.Labels.Length; k++)
        {
            var truth = valid.Select(r => r.TrueLabels().Contains(model.Labels[k])).ToArray();
            if (!truth.Any(t => t)) { thresholds[k] = 0.5; continue; }
            double best = -1, bestT = 0.5;
            foreach (var t in ThresholdGrid)
            {
                int tp = 0, fp = 0, fn = 0;
                for (var i = 0; i < truth.Length; i++)
                {
                    var p = probabilities[i][k] >= t;
                    if (p && truth[i]) tp++; else if (p) fp++; else if (truth[i]) fn++;
                }
                var f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
                if (f1 > best + 1e-12) { best = f1; bestT = t; }
            }
            thresholds[k] = bestT;
        }
        return thresholds;
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, TrainerCandidate c) => TrainerHeads.Binary(ml, c, nameof(TargetColumn.Target), () =>
        ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(TargetColumn.Target),
            L2Regularization = (float)c.Get("l2", 1e-4),
            MaximumNumberOfIterations = (int)c.Get("max_iterations", 30),
            NumberOfThreads = 1,
            Shuffle = false,
        }));

    /// <summary>One probability per model label for each row.</summary>
    public static List<float[]> Probabilities(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows)
    {
        var scored = model.Transformer.Transform(ml.Data.LoadFromEnumerable(rows));
        return ml.Data.CreateEnumerable<LabelerOutput>(scored, reuseRowObject: false).Select(o => o.LabelProbabilities).ToList();
    }

    /// <summary>Labels at or above their threshold, by descending score, and the top-scoring label.</summary>
    /// <remarks>Called once per served prediction and per evaluated row, so it loops instead of sorting through LINQ
    /// twice; the order (score descending, then label ordinal) is the same total order as before.</remarks>
    public static (List<LabelScore> Predicted, LabelScore Top) Decide(FittedModel model, float[] probabilities)
    {
        var labels = model.Labels;
        var predicted = new List<LabelScore>();
        LabelScore? top = null;
        for (var k = 0; k < labels.Length; k++)
        {
            var score = new LabelScore(labels[k], Math.Round(k < probabilities.Length && float.IsFinite(probabilities[k]) ? probabilities[k] : 0, 6));
            if (score.Score >= model.Thresholds[k]) predicted.Add(score);
            if (top is null || ByScoreThenLabel(score, top) < 0) top = score;
        }
        predicted.Sort(ByScoreThenLabel);
        return (predicted, top ?? throw new InvalidOperationException("Sequence contains no elements"));
    }

    /// <summary>Descending score (NaN last, as <see cref="Comparer{T}.Default"/> orders it), then label (ordinal).</summary>
    internal static int ByScoreThenLabel(LabelScore x, LabelScore y)
    {
        var byScore = y.Score.CompareTo(x.Score);
        return byScore != 0 ? byScore : string.CompareOrdinal(x.Label, y.Label);
    }

    public override Dictionary<string, double> Evaluate(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows)
    {
        var probabilities = Probabilities(ml, model, rows);
        var decided = probabilities.Select(p => Decide(model, p)).ToList();
        return ClassificationMetrics.MultiLabel(
            rows.Select(r => r.TrueLabels()).ToList(),
            decided.Select(d => (IReadOnlyList<string>)d.Predicted.Select(s => s.Label).ToList()).ToList(),
            decided.Select(d => d.Top.Label).ToList(),
            rows.SelectMany(r => r.TrueLabels()).Concat(model.Labels).Distinct(StringComparer.Ordinal).ToList());
    }

    public override (string[] Labels, double[] Scores) PredictionDistribution(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows)
    {
        var decided = Probabilities(ml, model, rows).Select(p => Decide(model, p)).ToList();
        return (decided.Select(d => d.Top.Label).ToArray(), decided.Select(d => d.Top.Score).ToArray());
    }
}
