namespace Pipeline.ML.Training;

/// <summary>Text featurizer settings searched by the grid: word n-gram length and character n-gram length (0 = none).</summary>
public sealed record TextSettings(int WordNgrams, int CharNgrams)
{
    public override string ToString() => $"words{WordNgrams}" + (CharNgrams > 0 ? $"+chars{CharNgrams}" : string.Empty);
}
