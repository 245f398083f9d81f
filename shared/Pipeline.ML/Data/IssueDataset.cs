using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.ML.Data;

/// <summary>
/// A training data set for one model: time-ordered training rows (older) and test rows (newer), where it came from,
/// and a SHA-256 content hash over every row and the feature version, so identical data is recognisable.
/// </summary>
internal sealed class IssueDataset
{
    /// <summary>Bumped whenever featurization changes, so hashes of different feature code never collide.</summary>
    public const string FeatureVersion = "issue-features-v2";

    public required string ModelName { get; init; }
    /// <summary><c>store</c> (real issues) or <c>synthetic</c>.</summary>
    public required string Source { get; init; }
    public required string Hash { get; init; }
    public required List<IssueModelInput> Train { get; init; }
    public required List<IssueModelInput> Test { get; init; }
    /// <summary>Creation time of the newest row in the training part; the test part is strictly newer.</summary>
    public required DateTime SplitTime { get; init; }
    /// <summary>Documents skipped because they failed the schema, with the first few reasons.</summary>
    public int InvalidDocuments { get; init; }
    public List<string> InvalidSamples { get; init; } = [];
    /// <summary>Labeler: the label set learned from the data (the model's outputs), ordered by name.</summary>
    public string[] LabelSet { get; init; } = [];
    /// <summary>Rows per class: per label (labeler), or within_7_days / later / of which censored (time-to-close).</summary>
    public Dictionary<string, int> ClassCounts { get; init; } = [];
    /// <summary>Creation time of the oldest and the newest row.</summary>
    public DateTime From { get; init; }
    public DateTime To { get; init; }
    /// <summary>Issues read that gave no row (no outcome yet, or no label of the set).</summary>
    public int LeftOut { get; init; }

    public int Size => Train.Count + Test.Count;

    public static IssueDataset Create(string modelName, string source, DatasetRows dataRows, double testFraction,
        int invalid = 0, List<string>? invalidSamples = null)
    {
        var rows = dataRows.Rows;
        if (rows.Count < 10) throw new InvalidOperationException($"Dataset for {modelName} has {rows.Count} rows; at least 10 are needed");
        var ordered = rows.OrderBy(r => r.CreatedAtTicks).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var testCount = Math.Max(1, (int)Math.Round(ordered.Count * testFraction));
        var train = ordered.Take(ordered.Count - testCount).ToList();
        var test = ordered.Skip(ordered.Count - testCount).ToList();
        return new IssueDataset
        {
            ModelName = modelName,
            Source = source,
            Hash = ComputeHash(modelName, ordered, testFraction),
            Train = train,
            Test = test,
            SplitTime = new DateTime(train[^1].CreatedAtTicks, DateTimeKind.Utc),
            InvalidDocuments = invalid,
            InvalidSamples = invalidSamples ?? [],
            LabelSet = dataRows.LabelSet,
            ClassCounts = CountClasses(modelName, ordered),
            From = new DateTime(ordered[0].CreatedAtTicks, DateTimeKind.Utc),
            To = new DateTime(ordered[^1].CreatedAtTicks, DateTimeKind.Utc),
            LeftOut = dataRows.LeftOut,
        };
    }

    public static Dictionary<string, int> CountClasses(string modelName, IEnumerable<IssueModelInput> rows)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (modelName == Training.ModelNames.IssueLabeler)
            {
                foreach (var l in r.TrueLabels()) counts[l] = counts.GetValueOrDefault(l) + 1;
            }
            else
            {
                var key = r.ClosedWithin7Days ? "within_7_days" : "later";
                counts[key] = counts.GetValueOrDefault(key) + 1;
                if (r.Censored) counts["later_censored"] = counts.GetValueOrDefault("later_censored") + 1;
            }
        }
        return counts;
    }

    public static string ComputeHash(string modelName, IEnumerable<IssueModelInput> rows, double testFraction)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\u001f"));
        Add(FeatureVersion);
        Add(modelName);
        Add(testFraction.ToString("R", CultureInfo.InvariantCulture));
        foreach (var r in rows)
        {
            Add(r.Id); Add(r.CreatedAtTicks.ToString(CultureInfo.InvariantCulture)); Add(r.Text); Add(r.Repo); Add(r.AuthorAssociation);
            Add(r.Language); Add(r.LabelsText); Add(r.LabelSet); Add(r.ClosedWithin7Days ? "1" : "0"); Add(r.Censored ? "1" : "0");
            foreach (var f in new[] { r.TextLength, r.RepoActivity30d, r.RepoMeanCloseDays, r.AuthorPriorIssues, r.AuthorFastCloseRate, r.LogDaysToClose })
                Add(f.ToString("R", CultureInfo.InvariantCulture));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
