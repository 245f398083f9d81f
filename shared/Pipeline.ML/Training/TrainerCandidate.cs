using System.Globalization;

namespace Pipeline.ML.Training;

/// <summary>One grid point: a trainer family, its hyperparameters and the text featurizer settings.</summary>
public sealed record TrainerCandidate(string Trainer, Dictionary<string, double> Hyperparameters, TextSettings Text)
{
    public double Get(string key, double fallback) => Hyperparameters.TryGetValue(key, out var v) ? v : fallback;

    public string Describe() =>
        $"{Trainer}({string.Join(",", Hyperparameters.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value.ToString("G", CultureInfo.InvariantCulture)}"))};{Text})";
}
