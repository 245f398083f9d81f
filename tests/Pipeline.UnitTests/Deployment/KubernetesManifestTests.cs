using System.Text.Json.Nodes;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>
/// The Kubernetes manifests: every object is well-formed, each overlay builds with `kubectl kustomize`, and the
/// rendered objects pass the checks `kubectl apply --dry-run=client` would do without a cluster (it cannot: it needs
/// the API server's discovery), done here by strict typed deserialisation into the official client's models
/// (unknown or mistyped fields fail) plus reference and policy checks.
/// </summary>
public sealed class KubernetesManifestTests(ITestOutputHelper output)
{
    /// <summary>CRD groups validated by our bundled schemas instead of the typed models.</summary>
    private static readonly string[] CustomGroups = ["keda.sh", "sparkoperator.k8s.io", "secrets-store.csi.x-k8s.io", "argoproj.io"];

    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoFiles.Under("infra", ".yaml", ".yml").Where(IsManifest).Where(f => !ArtifactParsingTests.IsPlaceholderTemplate(f)))
        {
            data.Add(f);
        }
        return data;
    }

    public static TheoryData<string> Kustomizations() => new() { "infra/k8s/base", "infra/k8s/overlays/minikube", "infra/k8s/overlays/aks" };

    public static TheoryData<string> OverlayNames() => new() { "minikube", "aks" };

    private static bool IsManifest(string file)
    {
        var name = Path.GetFileName(file);
        return name is not ("kustomization.yaml" or "kustomization.yml" or "values.yaml" or "values.yml");
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Every_object_has_apiVersion_kind_and_metadata_name(string file)
    {
        var objects = KubernetesObject.ParseAll(RepoFiles.Read(file), file);
        Assert.NotEmpty(objects);
        var problems = new List<string>();
        foreach (var o in objects)
        {
            if (string.IsNullOrWhiteSpace(o.ApiVersion)) problems.Add($"{o.Describe}: apiVersion missing");
            if (string.IsNullOrWhiteSpace(o.Kind)) problems.Add($"{o.Describe}: kind missing");
            if (o.Metadata is null) problems.Add($"{o.Describe}: metadata missing");
            // SparkApplication templates may be named per run by the submitter (generateName).
            else if (string.IsNullOrWhiteSpace(o.Name) && o.Metadata["generateName"] is null) problems.Add($"{o.Describe}: metadata.name missing");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SkippableTheory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_builds(string dir)
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        var result = Kustomize.Build(dir);
        Assert.True(result.Succeeded, $"kubectl kustomize {dir} failed:\n{result.Error}");
        Assert.NotEmpty(result.Objects);
        output.WriteLine($"{dir}: {result.Objects.Count} objects: " +
                         string.Join(", ", result.Objects.GroupBy(o => o.Kind).Select(g => $"{g.Count()} {g.Key}")));
    }

    [SkippableTheory]
    [MemberData(nameof(Kustomizations))]
    public void Built_in_kinds_deserialise_strictly_into_the_Kubernetes_models(string dir)
    {
        var result = BuildOrSkip(dir);
        var problems = new List<string>();
        var checkedCount = 0;
        foreach (var text in result.DocumentTexts)
        {
            var o = KubernetesObject.ParseAll(text, dir).Single();
            if (CustomGroups.Contains(o.Group))
            {
                continue;
            }
            try
            {
                var typed = k8s.KubernetesYaml.LoadAllFromString(text, strict: true);
                Assert.Single(typed);
                checkedCount++;
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or KeyNotFoundException or FormatException)
            {
                problems.Add($"{o.Describe}: {e.Message}{(e.InnerException is null ? "" : " — " + e.InnerException.Message)}");
            }
        }
        Assert.True(problems.Count == 0, "Objects the API server would reject:\n" + string.Join("\n", problems));
        Assert.True(checkedCount > 5, $"only {checkedCount} built-in objects were checked in {dir}");
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void Overlay_has_the_three_workloads_and_everything_in_namespace_pipeline(string overlay)
    {
        var objects = BuildOrSkip($"infra/k8s/overlays/{overlay}").Objects;
        var deployments = objects.Where(o => o.Kind == "Deployment").Select(o => o.Name).ToHashSet();
        Assert.Superset(new HashSet<string?> { "pipeline-functions-http", "pipeline-functions", "pipeline-consumer" }, deployments);
        var clusterScoped = new[] { "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition" };
        var outside = objects.Where(o => !clusterScoped.Contains(o.Kind) && o.Namespace != "pipeline").Select(o => o.Describe).ToList();
        Assert.True(outside.Count == 0, "Objects outside namespace pipeline:\n" + string.Join("\n", outside));
        var clusterWide = objects.Where(o => o.Kind is "ClusterRole" or "ClusterRoleBinding").Select(o => o.Describe).ToList();
        Assert.True(clusterWide.Count == 0, "The app must not get cluster-wide RBAC:\n" + string.Join("\n", clusterWide));
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void Containers_have_requests_limits_probes_and_restricted_security(string overlay)
    {
        var objects = BuildOrSkip($"infra/k8s/overlays/{overlay}").Objects;
        var problems = new List<string>();
        foreach (var workload in objects.Where(o => o.Kind is "Deployment" or "StatefulSet" or "Job"))
        {
            var pod = workload.PodSpec!;
            var podSecurity = pod["securityContext"] as JsonObject;
            if ((bool?)podSecurity?["runAsNonRoot"] != true) problems.Add($"{workload.Describe}: securityContext.runAsNonRoot must be true");
            if (podSecurity?["runAsUser"] is not { } uid || (long)uid == 0) problems.Add($"{workload.Describe}: numeric non-zero runAsUser required");
            if ((string?)podSecurity?["seccompProfile"]?["type"] != "RuntimeDefault") problems.Add($"{workload.Describe}: seccompProfile RuntimeDefault required");
            foreach (var c in workload.Containers)
            {
                var where = $"{workload.Describe} container {c["name"]}";
                foreach (var kind in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        if (c["resources"]?[kind]?[resource] is null) problems.Add($"{where}: resources.{kind}.{resource} missing");
                    }
                }
                if ((bool?)c["securityContext"]?["allowPrivilegeEscalation"] != false) problems.Add($"{where}: allowPrivilegeEscalation must be false");
                if (c["securityContext"]?["capabilities"]?["drop"] is not JsonArray drop || !drop.Any(d => (string?)d == "ALL")) problems.Add($"{where}: capabilities.drop must contain ALL");
                var image = (string?)c["image"] ?? "";
                if (ImageNames.Tag(image) is null or "latest" && !ImageNames.HasDigest(image)) problems.Add($"{where}: image '{image}' must be pinned (no :latest)");
                if (workload.Kind == "Job")
                {
                    continue;
                }
                foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
                {
                    if (c[probe] is null) problems.Add($"{where}: {probe} missing");
                }
                if (DeploymentTargets.IsPipelineImage(image))
                {
                    // Liveness asks the process only; readiness and start-up ask every dependency.
                    foreach (var (probe, expected) in new[] { ("startupProbe", "/api/health/ready"), ("readinessProbe", "/api/health/ready"), ("livenessProbe", "/api/health/live") })
                    {
                        var path = (string?)c[probe]?["httpGet"]?["path"];
                        if (path != expected) problems.Add($"{where}: {probe} must GET {expected} (is {path ?? "none"})");
                        var port = c[probe]?["httpGet"]?["port"]?.ToString();
                        var ports = (c["ports"] as JsonArray)?.OfType<JsonObject>().SelectMany(p => new[] { (string?)p["name"], p["containerPort"]?.ToString() }) ?? [];
                        if (port is not null && !ports.Contains(port)) problems.Add($"{where}: {probe} port '{port}' is not a container port");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void References_between_objects_resolve(string overlay)
    {
        var objects = BuildOrSkip($"infra/k8s/overlays/{overlay}").Objects;
        var problems = new List<string>();
        var workloads = objects.Where(o => o.Kind is "Deployment" or "StatefulSet").ToList();
        bool Selects(JsonObject? selector, KubernetesObject w)
        {
            var podLabels = (w.Spec?["template"]?["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString()) ?? [];
            var match = selector?["matchLabels"] as JsonObject ?? selector;
            if (match is null || match.Count == 0) return false;
            return match.Where(p => p.Key != "matchExpressions").All(p => podLabels.TryGetValue(p.Key, out var v) && v == p.Value?.ToString());
        }
        foreach (var svc in objects.Where(o => o.Kind == "Service"))
        {
            if (!workloads.Any(w => Selects(svc.Spec?["selector"] as JsonObject, w))) problems.Add($"{svc.Describe}: selector matches no pod template");
        }
        foreach (var pdb in objects.Where(o => o.Kind == "PodDisruptionBudget"))
        {
            if (!workloads.Any(w => Selects(pdb.Spec?["selector"] as JsonObject, w))) problems.Add($"{pdb.Describe}: selector matches no workload");
        }
        var scaled = new Dictionary<string, string>();
        foreach (var scaler in objects.Where(o => o.Kind is "HorizontalPodAutoscaler" or "ScaledObject"))
        {
            var target = (string?)scaler.Spec?["scaleTargetRef"]?["name"];
            if (!workloads.Any(w => w.Name == target)) problems.Add($"{scaler.Describe}: scaleTargetRef {target} does not exist");
            if (target is not null && scaled.TryGetValue(target, out var other)) problems.Add($"{target} is scaled by both {other} and {scaler.Describe} (KEDA creates its own HPA; two autoscalers fight)");
            else if (target is not null) scaled[target] = scaler.Describe;
        }
        var accounts = objects.Where(o => o.Kind == "ServiceAccount").Select(o => o.Name).ToHashSet();
        foreach (var w in objects.Where(o => o.PodSpec is not null))
        {
            var sa = (string?)w.PodSpec!["serviceAccountName"];
            if (sa is not null && !accounts.Contains(sa)) problems.Add($"{w.Describe}: serviceAccountName {sa} does not exist");
            foreach (var c in w.Containers)
            {
                foreach (var from in (c["envFrom"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    if (from["configMapRef"]?["name"] is { } cm && !objects.Any(o => o.Kind == "ConfigMap" && o.Name == (string?)cm)) problems.Add($"{w.Describe}: ConfigMap {cm} does not exist");
                    if (from["secretRef"]?["name"] is { } s && DeploymentTargets.SecretKeys((string)s!, objects) is null) problems.Add($"{w.Describe}: Secret {s} is produced by nothing in the overlay");
                }
            }
            foreach (var v in (w.PodSpec["volumes"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var secretName = (string?)v["secret"]?["secretName"];
                // pipeline-functions-keys is created by infra/minikube/up.sh (random keys) or synced from Key Vault on AKS.
                if (secretName is not null && DeploymentTargets.SecretKeys(secretName, objects) is null
                    && !(overlay == "minikube" && secretName == "pipeline-functions-keys"))
                {
                    problems.Add($"{w.Describe}: volume secret {secretName} is produced by nothing in the overlay");
                }
            }
        }
        foreach (var binding in objects.Where(o => o.Kind == "RoleBinding"))
        {
            var role = (string?)binding.Root["roleRef"]?["name"];
            if (!objects.Any(o => o.Kind == "Role" && o.Name == role)) problems.Add($"{binding.Describe}: Role {role} does not exist");
            foreach (var subject in (binding.Root["subjects"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if ((string?)subject["kind"] == "ServiceAccount" && !accounts.Contains((string?)subject["name"])) problems.Add($"{binding.Describe}: ServiceAccount {subject["name"]} does not exist");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SkippableTheory]
    [MemberData(nameof(OverlayNames))]
    public void Network_policies_deny_by_default_and_open_the_http_api(string overlay)
    {
        var policies = BuildOrSkip($"infra/k8s/overlays/{overlay}").Objects.Where(o => o.Kind == "NetworkPolicy").ToList();
        Assert.Contains(policies, p => p.Spec?["podSelector"] is JsonObject { Count: 0 }
                                       && p.Spec["policyTypes"] is JsonArray types && types.Select(t => (string?)t).Order().SequenceEqual(["Egress", "Ingress"])
                                       && p.Spec["ingress"] is null && p.Spec["egress"] is null);
        Assert.Contains(policies, p => (string?)p.Spec?["podSelector"]?["matchLabels"]?["app"] == "pipeline-functions-http"
                                       && p.Spec?["ingress"] is JsonArray { Count: > 0 });
        Assert.Contains(policies, p => p.Spec?["egress"] is JsonArray egress
                                       && egress.ToJsonString().Contains("\"port\":53", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void App_may_manage_SparkApplications_in_its_namespace_only()
    {
        var objects = BuildOrSkip("infra/k8s/base").Objects;
        var role = Assert.Single(objects, o => o.Kind == "Role" && o.Root["rules"]!.ToJsonString().Contains("sparkapplications", StringComparison.Ordinal));
        var rule = (role.Root["rules"] as JsonArray)!.OfType<JsonObject>().Single(r => (r["resources"] as JsonArray)!.Any(x => (string?)x == "sparkapplications"));
        Assert.Equal(["sparkoperator.k8s.io"], (rule["apiGroups"] as JsonArray)!.Select(x => (string?)x));
        Assert.Equal(["create", "delete", "get", "list", "watch"], (rule["verbs"] as JsonArray)!.Select(x => (string)x!).Order());
        var binding = Assert.Single(objects, o => o.Kind == "RoleBinding" && (string?)o.Root["roleRef"]?["name"] == role.Name);
        Assert.Contains((binding.Root["subjects"] as JsonArray)!, s => (string?)s!["name"] == "pipeline-functions");
        Assert.Contains(objects, o => o.Kind == "ServiceAccount" && o.Name == "spark-driver");
    }

    [SkippableFact]
    public void Minikube_secret_and_aks_key_vault_sync_supply_every_key_of_secret_keys_txt()
    {
        var expected = RepoFiles.Read("infra/k8s/base/secret-keys.txt").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        var minikube = DeploymentTargets.SecretKeys("pipeline-secrets", BuildOrSkip("infra/k8s/overlays/minikube").Objects)!.ToList();
        Assert.Equal(expected.Order(), minikube.Select(p => p.Key).Order());
        var aks = DeploymentTargets.SecretKeys("pipeline-secrets", BuildOrSkip("infra/k8s/overlays/aks").Objects)!.Select(p => p.Key).ToHashSet();
        Assert.Superset(expected, aks);
        Assert.Contains("Kafka__SaslPassword", aks);
        // Minikube placeholders are never real credentials: only Azurite's public development key, in-cluster
        // connection strings without passwords, placeholders or empty values.
        foreach (var (key, value) in minikube)
        {
            var v = value ?? "";
            var ok = v.Length == 0 || v.Contains("placeholder", StringComparison.OrdinalIgnoreCase)
                     || v.Contains("AccountName=devstoreaccount1", StringComparison.Ordinal)
                     || (v.StartsWith("mongodb://", StringComparison.Ordinal) && !v.Contains('@'));
            Assert.True(ok, $"minikube secret {key} looks like a real credential");
        }
    }

    private static KustomizeResult BuildOrSkip(string dir)
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        var result = Kustomize.Build(dir);
        Assert.True(result.Succeeded, $"kubectl kustomize {dir} failed:\n{result.Error}");
        return result;
    }
}

/// <summary>infra/k8s/templates: Secret templates hold only placeholders and the keys the overlays supply.</summary>
public sealed class SecretTemplateTests
{
    [Fact]
    public void Secret_templates_have_the_expected_keys_and_only_placeholder_values()
    {
        var objects = KubernetesObject.ParseAll(RepoFiles.Read("infra/k8s/templates/pipeline-secrets.template.yaml"), "template");
        var secrets = objects.Where(o => o.Kind == "Secret").ToDictionary(o => o.Name!, o => (JsonObject)o.Root["stringData"]!);
        var expected = RepoFiles.Read("infra/k8s/base/secret-keys.txt").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Append("Kafka__SaslPassword").Order();
        Assert.Equal(expected, secrets["pipeline-secrets"].Select(p => p.Key).Order());
        Assert.Equal(["host.function.default", "host.master", "host.systemKey.default", "host.systemKey.durabletask_extension"],
            secrets["pipeline-functions-keys"].Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (name, data) in secrets)
        {
            foreach (var (key, value) in data)
            {
                var v = (string?)value ?? "";
                Assert.True(v.Length == 0 || v.StartsWith("REPLACE_", StringComparison.Ordinal), $"{name}/{key} must be a REPLACE_ placeholder or empty, is '{v}'");
            }
        }
        // The templates are not applied by any kustomization.
        Assert.DoesNotContain("templates", RepoFiles.Read("infra/k8s/base/kustomization.yaml"), StringComparison.Ordinal);
    }
}
