using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace Pipeline.Analytics.Spark;

/// <summary>Creates and reads SparkApplications through the Kubernetes API (KubernetesClient, custom objects).
/// The client is created on first use, so hosts running the duckdb engine never need a cluster configuration.</summary>
public sealed class SparkApplicationClient(Lazy<IKubernetes> client)
{
    public SparkApplicationClient(IKubernetes kubernetes) : this(new Lazy<IKubernetes>(kubernetes)) { }

    private IKubernetes Kube => client.Value;

    /// <summary>Creates the application; false when one with this name exists already (409: treated as submitted).</summary>
    public async Task<bool> CreateAsync(string @namespace, JsonObject application, CancellationToken ct = default)
    {
        try
        {
            await Kube.CustomObjects.CreateNamespacedCustomObjectAsync<JsonElement>(
                application, SparkApplicationFactory.Group, SparkApplicationFactory.Version, @namespace, SparkApplicationFactory.Plural,
                cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>The current state; an application the operator has not picked up yet reports <c>PENDING</c>.</summary>
    public async Task<SparkApplicationState> GetStateAsync(string @namespace, string name, CancellationToken ct = default)
    {
        var app = await Kube.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(
            SparkApplicationFactory.Group, SparkApplicationFactory.Version, @namespace, SparkApplicationFactory.Plural, name, ct);
        if (app.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("applicationState", out var state) && state.ValueKind == JsonValueKind.Object)
        {
            var s = state.TryGetProperty("state", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var error = state.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return new SparkApplicationState(string.IsNullOrEmpty(s) ? "PENDING" : s!, error);
        }
        return new SparkApplicationState("PENDING", null);
    }

    /// <summary>A client from settings: explicit API server (+ token file), else in-cluster, else the kubeconfig.</summary>
    public static IKubernetes CreateKubernetes(SparkOptions options)
    {
        KubernetesClientConfiguration config;
        if (!string.IsNullOrWhiteSpace(options.ApiServer))
        {
            config = new KubernetesClientConfiguration { Host = options.ApiServer };
            if (!string.IsNullOrWhiteSpace(options.TokenFile)) config.AccessToken = File.ReadAllText(options.TokenFile).Trim();
        }
        else
        {
            config = KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        }
        return new Kubernetes(config);
    }
}
