using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>The settings one deployment target gives the app, by key (values may be null when not literal).</summary>
public sealed record SettingsTarget(string Id, string Source, IReadOnlyDictionary<string, string?> Settings);

/// <summary>Reads the settings each deployment target provides, from the artifacts themselves.</summary>
public static class DeploymentTargets
{
    public const string ComposeFile = "docker/docker-compose.yml";
    public static readonly string[] Overlays = ["minikube", "aks"];

    /// <summary>docker/docker-compose.yml: the environment of every service built from our images.</summary>
    public static IReadOnlyList<SettingsTarget> Compose()
    {
        var root = YamlDocuments.ParseFile(RepoFiles.PathOf(ComposeFile)).Single() as JsonObject
                   ?? throw new InvalidDataException($"{ComposeFile} is not a mapping");
        var services = root["services"] as JsonObject ?? throw new InvalidDataException($"{ComposeFile} has no services");
        var targets = new List<SettingsTarget>();
        foreach (var (name, node) in services)
        {
            if (node is not JsonObject service || !IsPipelineImage((string?)service["image"]))
            {
                continue;
            }
            targets.Add(new SettingsTarget($"compose:{name}", ComposeFile, ComposeEnvironment(service)));
        }
        return targets;
    }

    public static IReadOnlyDictionary<string, string?> ComposeEnvironment(JsonObject service)
    {
        var env = new Dictionary<string, string?>(AppSettingsCatalog.KeyComparer);
        switch (service["environment"])
        {
            case JsonObject map:
                foreach (var (k, v) in map)
                {
                    env[k] = v?.ToString();
                }
                break;
            case JsonArray list:
                foreach (var item in list.Select(i => i?.ToString() ?? ""))
                {
                    var eq = item.IndexOf('=');
                    env[eq < 0 ? item : item[..eq]] = eq < 0 ? null : item[(eq + 1)..];
                }
                break;
        }
        return env;
    }

    /// <summary>Whether an image reference is one of ours (pipeline-functions / pipeline-worker, any registry and tag).</summary>
    public static bool IsPipelineImage(string? image) => image is not null && ImageNames.Repository(image) is "pipeline-functions" or "pipeline-worker";

    /// <summary>Each app Deployment of a built overlay: container env + envFrom ConfigMaps + envFrom Secrets (from the
    /// overlay's Secrets or the SecretProviderClass that syncs them).</summary>
    public static IReadOnlyList<SettingsTarget> Kubernetes(string overlay, IReadOnlyList<KubernetesObject> objects)
    {
        var targets = new List<SettingsTarget>();
        foreach (var deployment in objects.Where(o => o.Kind == "Deployment"))
        {
            foreach (var container in deployment.Containers.Where(c => IsPipelineImage((string?)c["image"])))
            {
                var env = new Dictionary<string, string?>(AppSettingsCatalog.KeyComparer);
                foreach (var source in (container["envFrom"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    foreach (var (k, v) in EnvFromKeys(source, objects, deployment.Describe))
                    {
                        env[k] = v;
                    }
                }
                foreach (var item in (container["env"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    env[(string)item["name"]!] = item["value"]?.ToString();
                }
                targets.Add(new SettingsTarget($"k8s:{overlay}:{deployment.Name}", $"infra/k8s/overlays/{overlay}", env));
            }
        }
        return targets;
    }

    private static IEnumerable<KeyValuePair<string, string?>> EnvFromKeys(JsonObject source, IReadOnlyList<KubernetesObject> objects, string who)
    {
        if (source["configMapRef"]?["name"] is { } cmName)
        {
            var cm = objects.FirstOrDefault(o => o.Kind == "ConfigMap" && o.Name == (string?)cmName)
                     ?? throw new InvalidDataException($"{who} reads ConfigMap {cmName}, which the overlay does not produce");
            return ((cm.Root["data"] as JsonObject) ?? []).Select(p => KeyValuePair.Create(p.Key, p.Value?.ToString()));
        }
        if (source["secretRef"]?["name"] is { } secretName)
        {
            return SecretKeys((string)secretName!, objects)
                   ?? throw new InvalidDataException($"{who} reads Secret {secretName}, which neither a Secret nor a SecretProviderClass of the overlay produces");
        }
        return [];
    }

    /// <summary>Keys of a Secret produced by the overlay: a Secret object or a SecretProviderClass secretObjects entry.</summary>
    public static IEnumerable<KeyValuePair<string, string?>>? SecretKeys(string name, IReadOnlyList<KubernetesObject> objects)
    {
        // Exact name, or the name kustomize's secretGenerator gives it (name-<10 character content hash>).
        if ((objects.FirstOrDefault(o => o.Kind == "Secret" && o.Name == name)
             ?? objects.FirstOrDefault(o => o.Kind == "Secret" && o.Name is { } n && Regex.IsMatch(n, "^" + Regex.Escape(name) + "-[a-z0-9]{10}$"))) is { } secret)
        {
            var data = ((secret.Root["data"] as JsonObject) ?? []).Select(p => KeyValuePair.Create(p.Key,
                p.Value is null ? null : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))));
            var stringData = ((secret.Root["stringData"] as JsonObject) ?? []).Select(p => KeyValuePair.Create(p.Key, p.Value?.ToString()));
            return data.Concat(stringData).ToList();
        }
        foreach (var spc in objects.Where(o => o.Kind == "SecretProviderClass"))
        {
            foreach (var so in (spc.Spec?["secretObjects"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if ((string?)so["secretName"] == name)
                {
                    return ((so["data"] as JsonArray)?.OfType<JsonObject>() ?? [])
                        .Select(d => KeyValuePair.Create((string)d["key"]!, (string?)null)).ToList();
                }
            }
        }
        return null;
    }

    public const string BicepFolder = "infra/azure";

    /// <summary>Bicep: the Functions app's settings (keys of the <c>Microsoft.Web/sites/config</c> 'appsettings'
    /// properties block) and the consumer container app's env names, read as text (no Bicep CLI here).</summary>
    public static IReadOnlyList<SettingsTarget> Bicep()
    {
        var targets = new List<SettingsTarget>();
        foreach (var file in RepoFiles.Under(BicepFolder, ".bicep"))
        {
            var text = BicepText.StripComments(RepoFiles.Read(file));
            foreach (var block in BicepText.ResourceBodies(text, "Microsoft.Web/sites/config@"))
            {
                if (!Regex.IsMatch(block, @"\bname:\s*'appsettings'"))
                {
                    continue;
                }
                var properties = BicepText.ObjectAfter(block, "properties:")
                                 ?? throw new InvalidDataException($"{file}: appsettings resource without properties");
                targets.Add(new SettingsTarget("bicep:functions", file, BicepText.TopLevelKeys(properties).ToDictionary(k => k, _ => (string?)null, AppSettingsCatalog.KeyComparer)));
            }
            foreach (var block in BicepText.ResourceBodies(text, "Microsoft.App/containerApps@"))
            {
                var names = Regex.Matches(block, @"\{\s*name:\s*'([^']+)'\s*(?:,|\n)\s*(?:value|secretRef):")
                    .Select(m => m.Groups[1].Value).Distinct(AppSettingsCatalog.KeyComparer)
                    .ToDictionary(k => k, _ => (string?)null, AppSettingsCatalog.KeyComparer);
                targets.Add(new SettingsTarget("bicep:consumer", file, names));
            }
        }
        return targets;
    }
}
