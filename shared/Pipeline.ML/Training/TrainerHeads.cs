using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Pipeline.ML.Training;

/// <summary>
/// The boosted-tree heads of every model, built from a grid candidate. Both models search the same tree
/// hyperparameters with the same defaults and single-threaded, seeded, deterministic settings (so a cross-validated
/// search is reproducible); keeping them here means a default changes once for all of them. The linear (SDCA) heads
/// stay with their model: each needs a different SDCA variant and calibration.
/// </summary>
internal static class TrainerHeads
{
    /// <summary>A binary head with a calibrated probability (the boosted-tree trainers fit a Platt calibrator on their
    /// own scores); <paramref name="linear"/> builds the SDCA head.</summary>
    public static IEstimator<ITransformer> Binary(MLContext ml, TrainerCandidate c, string label, Func<IEstimator<ITransformer>> linear) => Pick(c, linear,
        () => ml.BinaryClassification.Trainers.LightGbm(LightGbm(new LightGbmBinaryTrainer.Options(), c, label,
            static (o, t) => (o.NumberOfLeaves, o.NumberOfIterations, o.LearningRate, o.MinimumExampleCountPerLeaf, o.NumberOfThreads, o.Seed, o.Deterministic, o.Silent)
                = (t.Leaves, t.Rounds, t.LearningRate, t.MinLeaf, 1, 1, true, true))),
        () => ml.BinaryClassification.Trainers.FastTree(FastTree(new FastTreeBinaryTrainer.Options(), c, label)));

    /// <summary>A regression head; <paramref name="linear"/> builds the SDCA head.</summary>
    public static IEstimator<ITransformer> Regression(MLContext ml, TrainerCandidate c, string label, Func<IEstimator<ITransformer>> linear) => Pick(c, linear,
        () => ml.Regression.Trainers.LightGbm(LightGbm(new LightGbmRegressionTrainer.Options(), c, label,
            static (o, t) => (o.NumberOfLeaves, o.NumberOfIterations, o.LearningRate, o.MinimumExampleCountPerLeaf, o.NumberOfThreads, o.Seed, o.Deterministic, o.Silent)
                = (t.Leaves, t.Rounds, t.LearningRate, t.MinLeaf, 1, 1, true, true))),
        () => ml.Regression.Trainers.FastTree(FastTree(new FastTreeRegressionTrainer.Options(), c, label)));

    private static IEstimator<ITransformer> Pick(TrainerCandidate c, Func<IEstimator<ITransformer>> sdca,
        Func<IEstimator<ITransformer>> lightGbm, Func<IEstimator<ITransformer>> fastTree) => c.Trainer switch
        {
            TrainerGrid.Sdca => sdca(),
            TrainerGrid.LightGbm => lightGbm(),
            TrainerGrid.FastTree => fastTree(),
            _ => throw new ArgumentException($"Unknown trainer '{c.Trainer}'"),
        };

    /// <summary>The tree hyperparameters a candidate sets, with the defaults of its trainer family.</summary>
    private readonly record struct Trees(int Leaves, int Rounds, double LearningRate, int MinLeaf);

    // LightGBM's binary and regression options share no non-generic base that declares these properties, so the
    // caller assigns them through one tuple (the same line for both); the values come from one place.
    private static T LightGbm<T>(T options, TrainerCandidate c, string label, Action<T, Trees> assign)
        where T : Microsoft.ML.Trainers.TrainerInputBaseWithLabel
    {
        options.LabelColumnName = label;
        assign(options, new Trees((int)c.Get("leaves", 15), (int)c.Get("iterations", 80), c.Get("learning_rate", 0.2), (int)c.Get("min_leaf", 10)));
        return options;
    }

    private static T FastTree<T>(T options, TrainerCandidate c, string label) where T : BoostedTreeOptions
    {
        options.LabelColumnName = label;
        options.NumberOfLeaves = (int)c.Get("leaves", 16);
        options.NumberOfTrees = (int)c.Get("trees", 40);
        options.LearningRate = c.Get("learning_rate", 0.2);
        options.MinimumExampleCountPerLeaf = (int)c.Get("min_leaf", 10);
        options.NumberOfThreads = 1;
        options.Seed = 1;
        return options;
    }
}
