using Microsoft.ML;
using Microsoft.ML.Transforms.Text;
using Pipeline.ML.Data;

namespace Pipeline.ML.Training;

/// <summary>
/// What differs between the two models: which rows they learn from, their ML.NET pipeline per grid candidate, and how
/// predictions become metrics. Trainers run single-threaded with fixed seeds so that a data set hash plus a candidate
/// always reproduce the same model and metrics (folds run in parallel instead).
/// </summary>
internal abstract class ModelSpec
{
    public abstract string Name { get; }

    public string PrimaryMetric => ModelNames.PrimaryMetric(Name);

    public abstract FittedModel Fit(MLContext ml, IReadOnlyList<IssueModelInput> rows, TrainerCandidate candidate);

    public abstract Dictionary<string, double> Evaluate(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows);

    /// <summary>Top label (labeler) or closes-within-7-days decision as text, with its score, for prediction drift.</summary>
    public abstract (string[] Labels, double[] Scores) PredictionDistribution(MLContext ml, FittedModel model, IReadOnlyList<IssueModelInput> rows);

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
