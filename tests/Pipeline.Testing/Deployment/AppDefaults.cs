using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>The value the app uses for a setting when nothing overrides it, and where that value was found.</summary>
public sealed record ResolvedDefault(string Key, string Value, string Source);

/// <summary>
/// Looks up the app's default for a setting, most authoritative first: the options class's property initialiser
/// (by reflection, e.g. <c>new KafkaOptions().Topic</c>), then local.settings.sample.json, then the value the
/// architecture fixes (the contract every area was given: topic github.events, DLQ github.events.dlq,
/// consumer group pipeline-consumer).
/// </summary>
public static class AppDefaults
{
    private static readonly Dictionary<string, string> ArchitectureContract = new(AppSettingsCatalog.KeyComparer)
    {
        ["Kafka__Topic"] = "github.events",
        ["Kafka__DeadLetterTopic"] = "github.events.dlq",
        ["Kafka__ConsumerGroup"] = "pipeline-consumer",
    };

    public static ResolvedDefault Resolve(string key)
    {
        var k = AppSettingsCatalog.Normalize(key);
        if (AppSettingsCatalog.FromOptionsClasses().FirstOrDefault(s => AppSettingsCatalog.KeyComparer.Equals(s.Key, k)) is { DefaultValue: { Length: > 0 } value } setting)
        {
            return new ResolvedDefault(k, value, setting.Origin);
        }
        if (AppSettingsCatalog.LocalSettingsSample() is { } sample && sample.TryGetValue(k, out var sampled) && !string.IsNullOrEmpty(sampled))
        {
            return new ResolvedDefault(k, sampled, AppSettingsCatalog.LocalSettingsSamplePath);
        }
        if (ArchitectureContract.TryGetValue(k, out var fixedValue))
        {
            return new ResolvedDefault(k, fixedValue, "ARCHITECTURE.md contract");
        }
        throw new KeyNotFoundException($"No default for {k} in any options class, in {AppSettingsCatalog.LocalSettingsSamplePath}, or in the architecture contract");
    }
}

/// <summary>The partition count of github.events as each environment creates it.</summary>
public static class TopicPartitions
{
    public static IReadOnlyList<(string Where, int Partitions)> OfEventsTopic()
    {
        var found = new List<(string, int)>();
        var compose = RepoFiles.Read(DeploymentTargets.ComposeFile);
        if (Regex.Match(compose, @"KAFKA_PARTITIONS:\s*""\$\{KAFKA_PARTITIONS:-(\d+)\}""") is { Success: true } c)
        {
            found.Add(("docker-compose init-topics (KAFKA_PARTITIONS default)", int.Parse(c.Groups[1].Value)));
        }
        foreach (var file in RepoFiles.Under("infra/k8s", ".yaml"))
        {
            foreach (Match m in Regex.Matches(RepoFiles.Read(file), @"github\.events:(\d+)"))
            {
                found.Add((file, int.Parse(m.Groups[1].Value)));
            }
        }
        foreach (var file in RepoFiles.Under(DeploymentTargets.BicepFolder, ".bicep"))
        {
            foreach (Match m in Regex.Matches(RepoFiles.Read(file), @"param\s+eventsPartitionCount\s+int\s*=\s*(\d+)"))
            {
                found.Add((file + " (eventsPartitionCount)", int.Parse(m.Groups[1].Value)));
            }
        }
        return found;
    }
}
