namespace Pipeline.ML.Training;

/// <summary>The grid of candidates per model; the cheap linear candidates come first so a short budget still covers them.</summary>
internal static class TrainerGrid
{
    public const string Sdca = "Sdca";
    public const string LightGbm = "LightGbm";
    public const string FastTree = "FastTree";

    public static IReadOnlyList<TrainerCandidate> For(string modelName, TrainingSettings settings)
    {
        var families = settings.Trainers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var small = settings.Grid == "small";
        var grid = new List<TrainerCandidate>();
        if (families.Contains(Sdca))
        {
            foreach (var l2 in small ? new[] { 1e-4 } : [1e-5, 1e-4])
                foreach (var text in small ? new[] { new TextSettings(1, 3) } : [new TextSettings(1, 3), new TextSettings(2, 0)])
                    grid.Add(new TrainerCandidate(Sdca, new() { ["l2"] = l2, ["max_iterations"] = 30 }, text));
        }
        if (families.Contains(LightGbm))
        {
            foreach (var leaves in small ? new[] { 15.0 } : [15.0, 31.0])
                grid.Add(new TrainerCandidate(LightGbm, new() { ["leaves"] = leaves, ["iterations"] = small ? 40 : 80, ["learning_rate"] = 0.2, ["min_leaf"] = 10 }, new TextSettings(1, 0)));
        }
        if (families.Contains(FastTree))
        {
            grid.Add(new TrainerCandidate(FastTree, new() { ["leaves"] = small ? 8 : 16, ["trees"] = small ? 15 : 40, ["learning_rate"] = 0.2, ["min_leaf"] = 10 }, new TextSettings(1, 0)));
        }
        return grid;
    }
}
