using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Training;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.ML;

public class TrainingTests(ITestOutputHelper output)
{
    private static TrainingSettings Small() => new() { Grid = "small", CvFolds = 3, GridBudgetSeconds = 60, Seed = 42, CvMaxRows = 3000 };

    [Theory]
    [InlineData(ModelNames.IssueLabeler)]
    [InlineData(ModelNames.TimeToClose)]
    public void Trains_on_synthetic_data(string model)
    {
        var dataset = IssueDatasetBuilder.BuildSynthetic(model, 3000, 42, 0.2);
        var settings = Small();
        var cv = CrossValidator.Run(ModelSpec.For(model), dataset.Train, settings);
        foreach (var c in cv.Candidates) output.WriteLine($"{c.Candidate.Describe()} {c.Status} {string.Join(", ", c.MeanMetrics.Select(kv => $"{kv.Key}={kv.Value:0.###}"))} {c.Seconds:0.0}s");
        var trained = ModelTrainer.TrainFinal(dataset, cv.Best, settings);
        var eval = ModelTrainer.Evaluate(dataset, trained.Artifact, settings);
        output.WriteLine($"test: {string.Join(", ", eval.TestMetrics.Select(kv => $"{kv.Key}={kv.Value:0.###}"))}; train {trained.Seconds:0.0}s");
        Assert.NotEmpty(eval.TestMetrics);
    }
}
