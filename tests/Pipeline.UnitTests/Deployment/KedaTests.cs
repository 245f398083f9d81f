using System.Text.Json.Nodes;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>KEDA objects against the bundled CRD schemas and per-scaler rules, and against the app's configuration.</summary>
public sealed class KedaTests(ITestOutputHelper output)
{
    private static readonly StructuralSchema ScaledObjectSchema = StructuralSchema.Load("keda-scaledobject.schema.json");
    private static readonly StructuralSchema TriggerAuthSchema = StructuralSchema.Load("keda-triggerauthentication.schema.json");

    public static TheoryData<string> OverlayNames() => new() { "minikube", "aks" };

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void ScaledObjects_and_TriggerAuthentications_match_the_CRD_schemas_and_scaler_rules(string overlay)
    {
        var objects = Build(overlay);
        var problems = new List<string>();
        foreach (var so in objects.Where(o => o.Kind == "ScaledObject"))
        {
            problems.AddRange(ScaledObjectSchema.Validate(so.Root).Select(e => $"{so.Describe}: {e}"));
            var triggers = (so.Spec?["triggers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            for (var i = 0; i < triggers.Count; i++)
            {
                problems.AddRange(KedaTriggerRules.Check((string?)triggers[i]["type"] ?? "", triggers[i]["metadata"] as JsonObject, $"{so.Describe} trigger {i}"));
                if (triggers[i]["authenticationRef"]?["name"] is { } auth && !objects.Any(o => o.Kind == "TriggerAuthentication" && o.Name == (string?)auth))
                {
                    problems.Add($"{so.Describe} trigger {i}: TriggerAuthentication {auth} does not exist");
                }
            }
            var min = (long?)so.Spec?["minReplicaCount"] ?? 0;
            var max = (long?)so.Spec?["maxReplicaCount"] ?? 100;
            if (min > max) problems.Add($"{so.Describe}: minReplicaCount {min} > maxReplicaCount {max}");
        }
        foreach (var ta in objects.Where(o => o.Kind == "TriggerAuthentication"))
        {
            problems.AddRange(TriggerAuthSchema.Validate(ta.Root).Select(e => $"{ta.Describe}: {e}"));
            foreach (var reference in (ta.Spec?["secretTargetRef"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var keys = DeploymentTargets.SecretKeys((string)reference["name"]!, objects)?.Select(p => p.Key).ToHashSet();
                if (keys is null) problems.Add($"{ta.Describe}: Secret {reference["name"]} is produced by nothing in the overlay");
                else if (!keys.Contains((string)reference["key"]!)) problems.Add($"{ta.Describe}: Secret {reference["name"]} has no key {reference["key"]}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Schema_and_rules_catch_the_mistakes_they_exist_for()
    {
        var bad = (JsonObject)YamlDocuments.Parse("""
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: {name: x}
            spec:
              scaleTargetRef: {name: x}
              maxReplicaCount: "3"
              triggers:
                - type: kafka
                  metadata: {bootstrapServers: b:9092, consumerGroup: g, lagThreshold: 50, lagTreshold: "5", offsetResetPolicy: newest, password: p}
            """)[0]!;
        var schemaErrors = ScaledObjectSchema.Validate(bad);
        Assert.Contains(schemaErrors, e => e.Contains("maxReplicaCount", StringComparison.Ordinal));
        Assert.Contains(schemaErrors, e => e.Contains("lagThreshold: expected string", StringComparison.Ordinal));
        var ruleErrors = KedaTriggerRules.Check("kafka", bad["spec"]!["triggers"]![0]!["metadata"] as JsonObject, "t");
        Assert.Contains(ruleErrors, e => e.Contains("unknown kafka parameter 'lagTreshold'", StringComparison.Ordinal));
        Assert.Contains(ruleErrors, e => e.Contains("offsetResetPolicy", StringComparison.Ordinal));
        Assert.Contains(ruleErrors, e => e.Contains("'password' is read only from a TriggerAuthentication", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void Kafka_triggers_use_the_apps_topic_group_and_brokers(string overlay)
    {
        var objects = Build(overlay);
        var topic = AppDefaults.Resolve("Kafka:Topic");
        var group = AppDefaults.Resolve("Kafka:ConsumerGroup");
        output.WriteLine($"expected topic '{topic.Value}' ({topic.Source}), group '{group.Value}' ({group.Source})");
        var consumerSettings = DeploymentTargets.Kubernetes(overlay, objects).Single(t => t.Id.EndsWith(":pipeline-consumer", StringComparison.Ordinal)).Settings;
        var kafkaTriggers = objects.Where(o => o.Kind == "ScaledObject")
            .SelectMany(so => ((so.Spec?["triggers"] as JsonArray)?.OfType<JsonObject>() ?? []).Select(t => (so, t)))
            .Where(p => (string?)p.t["type"] == "kafka")
            .ToList();
        Assert.NotEmpty(kafkaTriggers);
        foreach (var (so, trigger) in kafkaTriggers)
        {
            var md = trigger["metadata"]!;
            Assert.Equal(topic.Value, (string?)md["topic"]);
            Assert.Equal(group.Value, (string?)md["consumerGroup"]);
            // The deployment's own settings must say the same, or KEDA would watch a group nobody consumes in.
            Assert.Equal(topic.Value, consumerSettings.GetValueOrDefault("Kafka__Topic"));
            Assert.Equal(group.Value, consumerSettings.GetValueOrDefault("Kafka__ConsumerGroup"));
            Assert.Equal(consumerSettings.GetValueOrDefault("Kafka__BootstrapServers"), (string?)md["bootstrapServers"]);
            Assert.Equal("pipeline-consumer", (string?)so.Spec!["scaleTargetRef"]!["name"]);
            foreach (var required in new[] { "lagThreshold", "activationLagThreshold", "offsetResetPolicy" })
            {
                Assert.True(md[required] is not null, $"{so.Describe}: {required} must be set explicitly");
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void Consumer_never_scales_beyond_the_partitions_of_the_topic(string overlay)
    {
        var partitions = TopicPartitions.OfEventsTopic();
        foreach (var (where, count) in partitions)
        {
            output.WriteLine($"github.events partitions: {count} in {where}");
        }
        Assert.True(partitions.Count >= 3, "expected partition counts in compose, the minikube topic job and the Bicep Event Hub");
        Assert.Single(partitions.Select(p => p.Partitions).Distinct());
        var consumer = Build(overlay).Single(o => o.Kind == "ScaledObject" && (string?)o.Spec?["scaleTargetRef"]?["name"] == "pipeline-consumer");
        var max = (long)consumer.Spec!["maxReplicaCount"]!;
        Assert.InRange(max, 1, partitions.Min(p => p.Partitions));
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void Functions_ScaledObject_has_the_func_kubernetes_deploy_shape_and_watches_the_task_hub_queues(string overlay)
    {
        var objects = Build(overlay);
        var so = Assert.Single(objects, o => o.Kind == "ScaledObject" && o.Name == "pipeline-functions");
        // func kubernetes deploy: ScaledObject named after the app, targeting the non-HTTP deployment of the same name.
        Assert.Equal("pipeline-functions", (string?)so.Spec!["scaleTargetRef"]!["name"]);
        foreach (var field in new[] { "pollingInterval", "cooldownPeriod", "minReplicaCount", "maxReplicaCount" })
        {
            Assert.True(so.Spec[field] is not null, $"{field} missing");
        }
        Assert.True((long)so.Spec["minReplicaCount"]! >= 1, "timers only fire in a running host: minReplicaCount must be >= 1");
        var settings = DeploymentTargets.Kubernetes(overlay, objects).Single(t => t.Id.EndsWith(":pipeline-functions", StringComparison.Ordinal)).Settings;
        var hub = settings.GetValueOrDefault("DurableTask__HubName");
        Assert.False(string.IsNullOrEmpty(hub), "DurableTask__HubName must be set for the functions deployment");
        var queues = (so.Spec["triggers"] as JsonArray)!.OfType<JsonObject>()
            .Where(t => (string?)t["type"] == "azure-queue")
            .Select(t => (name: (string?)t["metadata"]!["queueName"], env: (string?)t["metadata"]!["connectionFromEnv"]))
            .ToList();
        var expected = new[] { "workitems", "control-00", "control-01", "control-02", "control-03" }.Select(s => $"{hub!.ToLowerInvariant()}-{s}");
        Assert.Equal(expected.Order(), queues.Select(q => q.name).Order());
        foreach (var (_, env) in queues)
        {
            Assert.True(env is not null && settings.ContainsKey(env), $"connectionFromEnv {env} is not a setting of the functions deployment");
        }
        // The HTTP deployment is scaled by the CPU HPA, not by KEDA.
        Assert.DoesNotContain(objects, o => o.Kind == "ScaledObject" && (string?)o.Spec?["scaleTargetRef"]?["name"] == "pipeline-functions-http");
        Assert.Contains(objects, o => o.Kind == "HorizontalPodAutoscaler" && (string?)o.Spec?["scaleTargetRef"]?["name"] == "pipeline-functions-http"
                                      && o.Spec!["metrics"]!.ToJsonString().Contains("\"cpu\"", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Aks_consumer_authenticates_to_Event_Hubs_with_SASL_over_TLS()
    {
        var objects = Build("aks");
        var trigger = objects.Single(o => o.Kind == "ScaledObject" && o.Name == "pipeline-consumer").Spec!["triggers"]![0]!;
        var auth = objects.Single(o => o.Kind == "TriggerAuthentication" && o.Name == (string?)trigger["authenticationRef"]!["name"]);
        var parameters = (auth.Spec!["secretTargetRef"] as JsonArray)!.OfType<JsonObject>().ToDictionary(r => (string)r["parameter"]!, r => r);
        Assert.Superset(new HashSet<string> { "sasl", "tls", "username", "password" }, parameters.Keys.ToHashSet());
        var literal = DeploymentTargets.SecretKeys((string)parameters["sasl"]["name"]!, objects)!.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("plaintext", literal[(string)parameters["sasl"]["key"]!]);
        Assert.Equal("enable", literal[(string)parameters["tls"]["key"]!]);
        Assert.Equal("$ConnectionString", literal[(string)parameters["username"]["key"]!]);
        Assert.EndsWith(":9093", (string)trigger["metadata"]!["bootstrapServers"]!);
    }

    private static IReadOnlyList<KubernetesObject> Build(string overlay)
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        var result = Kustomize.Build($"infra/k8s/overlays/{overlay}");
        Assert.True(result.Succeeded, result.Error);
        return result.Objects;
    }
}
