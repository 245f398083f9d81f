using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipeline.ML.Training;

namespace Pipeline.ML.Registry;

public sealed class DatasetInfo
{
    public string Hash { get; set; } = string.Empty;
    public int Size { get; set; }
    public int TrainRows { get; set; }
    public int TestRows { get; set; }
    public string Source { get; set; } = string.Empty;
    public DateTime SplitTime { get; set; }
    public int InvalidDocuments { get; set; }
    public string[] LabelSet { get; set; } = [];
    public Dictionary<string, int> ClassCounts { get; set; } = [];
    public DateTime From { get; set; }
    public DateTime To { get; set; }
}

public sealed class CvCandidateSummary
{
    public string Candidate { get; set; } = string.Empty;
    public string Status { get; set; } = string.Empty;
    public Dictionary<string, double> Metrics { get; set; } = [];
    public double PrimaryStd { get; set; }
    public double Seconds { get; set; }
}

public sealed class GateInfo
{
    /// <summary><c>promoted</c> or <c>rejected</c>.</summary>
    public string Decision { get; set; } = string.Empty;
    public string Reason { get; set; } = string.Empty;
    public double CandidatePrimary { get; set; }
    /// <summary>The champion's primary metric measured on this version's test set (null when there was no champion).</summary>
    public double? ChampionPrimary { get; set; }
    public int? ComparedToVersion { get; set; }
    public List<string> FailedChecks { get; set; } = [];
    public double? BaselinePrimary { get; set; }
    public bool ChampionBelowFloors { get; set; }
}

/// <summary>Metadata of one registered model version (document in the <c>models</c> collection).</summary>
public sealed class ModelVersionInfo
{
    public string Kind { get; set; } = "version";
    public string Name { get; set; } = string.Empty;
    public int Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public string RunId { get; set; } = string.Empty;
    public DatasetInfo Dataset { get; set; } = new();
    public string Trainer { get; set; } = string.Empty;
    public Dictionary<string, double> Hyperparameters { get; set; } = [];
    public TextSettings TextFeaturizer { get; set; } = new(1, 0);
    public string PrimaryMetric { get; set; } = string.Empty;
    public Dictionary<string, double> CvMetrics { get; set; } = [];
    public int CvFolds { get; set; }
    public int CvRows { get; set; }
    public List<CvCandidateSummary> CvCandidates { get; set; } = [];
    public Dictionary<string, double> TestMetrics { get; set; } = [];
    public Dictionary<string, double> BaselineMetrics { get; set; } = [];
    public Dictionary<string, Dictionary<string, double>> SliceMetrics { get; set; } = [];
    public string CodeVersion { get; set; } = string.Empty;
    public int Seed { get; set; }
    public int? ParentVersion { get; set; }
    public List<string> Aliases { get; set; } = [];
    public GateInfo Gate { get; set; } = new();
    public string ArtifactPath { get; set; } = string.Empty;
    public string ReferencePath { get; set; } = string.Empty;
    public double TrainSeconds { get; set; }
    public string Reason { get; set; } = string.Empty;
}

public sealed class AliasChange
{
    public DateTime At { get; set; }
    public string Alias { get; set; } = string.Empty;
    public int Version { get; set; }
    public int? Previous { get; set; }
    public string Reason { get; set; } = string.Empty;
}

/// <summary>Per-model head document: which version holds which alias, and the alias history (promotions, rollbacks).</summary>
public sealed class ModelHead
{
    public string Kind { get; set; } = "model";
    public string Name { get; set; } = string.Empty;
    public int LatestVersion { get; set; }
    public int? Champion { get; set; }
    public int? Challenger { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Write revision (optimistic concurrency: each write claims the next one).</summary>
    public long Revision { get; set; }
    public List<AliasChange> History { get; set; } = [];
}

public static class RegistryJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new UtcDateTimeConverter() },
    };

    public static JsonObject ToDocument<T>(T value, string id)
    {
        var node = JsonSerializer.SerializeToNode(value, Options)!.AsObject();
        node["_id"] = id;
        return node;
    }

    public static T FromDocument<T>(JsonObject doc) => doc.Deserialize<T>(Options)!;

    /// <summary>Timestamps as the store convention requires: ISO-8601 UTC <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Data.IssueDocumentSchema.ParseTime(reader.GetString()!) ?? throw new JsonException("bad timestamp");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Data.IssueDocumentSchema.FormatTime(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value));
    }
}

public static class CodeVersion
{
    /// <summary>The git sha from the build environment when set, else the assembly's informational version.</summary>
    public static string Current { get; } = Resolve();

    private static string Resolve()
    {
        foreach (var env in new[] { "PIPELINE_GIT_SHA", "GIT_SHA", "GITHUB_SHA", "BUILD_SOURCEVERSION" })
        {
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } sha) return sha;
        }
        return typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    }
}
