using System.Text.Json.Nodes;

namespace Pipeline.Testing.Deployment;

/// <summary>
/// Per-scaler checks of a KEDA trigger's metadata, after the scalers' own parameter declarations (KEDA 2.x
/// pkg/scalers: kafka_scaler.go, azure_queue_scaler.go, cpu_memory_scaler.go, cron_scaler.go): known parameter names
/// (so a typo such as <c>lagTreshold</c> fails here instead of silently taking the default), required ones,
/// integers, booleans and enumerations. Parameters KEDA reads only from a TriggerAuthentication are refused in metadata.
/// </summary>
public static class KedaTriggerRules
{
    private sealed record Rule(
        string[] Required,
        string[] Integers,
        string[] Booleans,
        Dictionary<string, string[]> Enums,
        string[] Other,
        string[] AuthOnly,
        string[][] OneOf);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["kafka"] = new Rule(
            Required: ["bootstrapServers", "consumerGroup"],
            Integers: ["lagThreshold", "activationLagThreshold"],
            Booleans: ["allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag",
                       "ensureEvenDistributionOfPartitions", "fullMetadata", "unsafeSsl"],
            Enums: new()
            {
                ["offsetResetPolicy"] = ["latest", "earliest"],
                ["tls"] = ["enable", "disable"],
                ["sasl"] = ["none", "plaintext", "scram_sha256", "scram_sha512", "oauthbearer", "gssapi"],
                ["saslTokenProvider"] = ["bearer", "aws_msk_iam"],
            },
            Other: ["topic", "partitionLimitation", "version", "awsRegion", "bootstrapServersFromEnv", "consumerGroupFromEnv", "topicFromEnv"],
            AuthOnly: ["username", "password", "ca", "cert", "key", "keyPassword", "scopes", "oauthTokenEndpointUri", "keytab", "realm", "kerberosConfig"],
            OneOf: []),
        ["azure-queue"] = new Rule(
            Required: ["queueName"],
            Integers: ["queueLength", "activationQueueLength"],
            Booleans: [],
            Enums: new() { ["queueLengthStrategy"] = ["all", "visibleonly"] },
            Other: ["connectionFromEnv", "accountName", "endpointSuffix", "cloud"],
            AuthOnly: ["connection"],
            OneOf: [["connectionFromEnv", "accountName"]]),
        ["cpu"] = new Rule(Required: ["value"], Integers: ["value"], Booleans: [], Enums: new(), Other: ["containerName"], AuthOnly: [], OneOf: []),
        ["memory"] = new Rule(Required: ["value"], Integers: ["value"], Booleans: [], Enums: new(), Other: ["containerName"], AuthOnly: [], OneOf: []),
        ["cron"] = new Rule(Required: ["timezone", "start", "end", "desiredReplicas"], Integers: ["desiredReplicas"], Booleans: [], Enums: new(), Other: [], AuthOnly: [], OneOf: []),
    };

    public static IReadOnlyCollection<string> KnownScalers => Rules.Keys;

    /// <summary>Problems with one trigger (type + metadata), each prefixed with <paramref name="where"/>.</summary>
    public static IReadOnlyList<string> Check(string type, JsonObject? metadata, string where)
    {
        var errors = new List<string>();
        if (!Rules.TryGetValue(type, out var rule))
        {
            errors.Add($"{where}: scaler type '{type}' is not one this repository uses ({string.Join(", ", Rules.Keys)}); add its rules to KedaTriggerRules");
            return errors;
        }
        var values = metadata?.ToDictionary(p => p.Key, p => p.Value?.ToString()) ?? [];
        foreach (var name in rule.Required.Where(r => !values.ContainsKey(r) && !values.ContainsKey(r + "FromEnv")))
        {
            errors.Add($"{where}: {type} needs metadata '{name}'");
        }
        foreach (var group in rule.OneOf.Where(g => !g.Any(values.ContainsKey)))
        {
            errors.Add($"{where}: {type} needs one of {string.Join(", ", group)}");
        }
        var known = rule.Required.Concat(rule.Integers).Concat(rule.Booleans).Concat(rule.Enums.Keys).Concat(rule.Other).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (rule.AuthOnly.Contains(name))
            {
                errors.Add($"{where}: '{name}' is read only from a TriggerAuthentication, not from trigger metadata");
            }
            else if (!known.Contains(name))
            {
                errors.Add($"{where}: unknown {type} parameter '{name}'");
            }
            else if (rule.Integers.Contains(name) && !long.TryParse(value, out _))
            {
                errors.Add($"{where}: '{name}' must be an integer, is '{value}'");
            }
            else if (rule.Booleans.Contains(name) && value is not ("true" or "false"))
            {
                errors.Add($"{where}: '{name}' must be \"true\" or \"false\", is '{value}'");
            }
            else if (rule.Enums.TryGetValue(name, out var allowed) && !allowed.Contains(value))
            {
                errors.Add($"{where}: '{name}' must be one of {string.Join(", ", allowed)}, is '{value}'");
            }
        }
        return errors;
    }
}
