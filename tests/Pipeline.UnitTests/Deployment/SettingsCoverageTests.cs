using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>
/// Every setting the app reads (found in the code: options classes, host.json, local.settings.sample.json) is given
/// by every deployment target (compose services, each overlay's app deployments, the Bicep app settings), except
/// the commented exclusions in <see cref="SettingExclusions"/>; and no target sets a key the app does not read.
/// </summary>
public sealed class SettingsCoverageTests(ITestOutputHelper output)
{
    /// <summary>Settings read by the platform (Functions host, ASP.NET Core, Azure), not by an options class.</summary>
    private static readonly string[] PlatformKeys =
    [
        "AzureWebJobsStorage", "AzureWebJobsStorage__*", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "AzureFunctionsJobHost__*",
        "AzureWebJobsSecretStorageType", "AzureWebJobsKubernetesSecretName", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "ASPNETCORE_*", "DOTNET_*", "WEBSITE_*", "AZURE_*", "AzureFunctionsWebHost__*", "Host__Role",
    ];

    private static IReadOnlyList<SettingsTarget> AllTargets()
    {
        var targets = new List<SettingsTarget>(DeploymentTargets.Compose());
        if (Kustomize.KubectlPath is not null)
        {
            foreach (var overlay in DeploymentTargets.Overlays)
            {
                var build = Kustomize.Build($"infra/k8s/overlays/{overlay}");
                Assert.True(build.Succeeded, build.Error);
                targets.AddRange(DeploymentTargets.Kubernetes(overlay, build.Objects));
            }
        }
        targets.AddRange(DeploymentTargets.Bicep());
        return targets;
    }

    [Fact]
    public void Targets_are_discovered_in_every_deployment_artifact()
    {
        var ids = AllTargets().Select(t => t.Id).ToList();
        output.WriteLine(string.Join("\n", ids));
        Assert.Contains("compose:functions", ids);
        Assert.Contains("compose:consumer", ids);
        Assert.Contains("bicep:functions", ids);
        Assert.Contains("bicep:consumer", ids);
        if (Kustomize.KubectlPath is not null)
        {
            Assert.Contains("k8s:aks:pipeline-consumer", ids);
            Assert.Contains("k8s:minikube:pipeline-functions-http", ids);
        }
    }

    [Fact]
    public void Every_setting_the_app_reads_is_set_in_every_deployment_target()
    {
        var settings = AppSettingsCatalog.All();
        var sources = settings.GroupBy(s => s.Origin.StartsWith("Pipeline.", StringComparison.Ordinal) ? "options classes" : s.Origin)
            .Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{settings.Count} settings ({string.Join(", ", sources)}); local.settings.sample.json {(AppSettingsCatalog.LocalSettingsSample() is null ? "not present yet" : "present")}");
        Assert.NotEmpty(settings);
        var missing = new List<string>();
        foreach (var target in AllTargets())
        {
            foreach (var setting in settings)
            {
                if (Covered(setting.Key, target) || SettingExclusions.Find(setting.Key, target.Id) is not null)
                {
                    continue;
                }
                missing.Add($"{target.Id} ({target.Source}) lacks {setting.Key}  [read by {setting.Origin}]");
            }
        }
        Assert.True(missing.Count == 0, $"{missing.Count} setting(s) missing — add them, or add a commented SettingExclusions entry:\n" + string.Join("\n", missing));
    }

    [SkippableFact]
    public void No_target_sets_a_key_the_app_does_not_read()
    {
        var options = AppSettingsCatalog.FromOptionsClasses();
        Skip.If(options.Count == 0 && AppSettingsCatalog.LocalSettingsSample() is null,
            "no options classes and no local.settings.sample.json yet: nothing to tell typos from real keys");
        var known = AppSettingsCatalog.All().Select(s => s.Key).ToHashSet(AppSettingsCatalog.KeyComparer);
        var unknown = AllTargets()
            .SelectMany(t => t.Settings.Keys.Select(k => (t, k)))
            .Where(p => !known.Contains(p.k) && !PlatformKeys.Any(pk => Matches(pk, p.k)))
            .Select(p => $"{p.t.Id}: {p.k}")
            .ToList();
        Assert.True(unknown.Count == 0, "Keys no options class, host.json or local.settings.sample.json declares (typo, or a setting the lead must add):\n" + string.Join("\n", unknown));
    }

    [SkippableFact]
    public void Local_settings_sample_lists_every_options_key()
    {
        var sample = AppSettingsCatalog.LocalSettingsSample();
        Skip.If(sample is null, $"{AppSettingsCatalog.LocalSettingsSamplePath} does not exist yet (the lead writes it)");
        var missing = AppSettingsCatalog.FromOptionsClasses().Concat(AppSettingsCatalog.FromHostJson())
            .Where(s => !sample!.ContainsKey(s.Key)).Select(s => $"{s.Key} [{s.Origin}]").Distinct().ToList();
        Assert.True(missing.Count == 0, "Missing from local.settings.sample.json:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Deployment_targets_agree_with_each_other()
    {
        // Independent of the app's code: a key one target sets must be set by every target of the same kind of
        // process (Functions host / local host), unless excluded. Catches drift between compose, overlays and Bicep.
        var targets = AllTargets().Where(t => !t.Id.StartsWith("compose:init", StringComparison.Ordinal)).ToList();
        var keys = targets.SelectMany(t => t.Settings.Keys).Where(k => !PlatformKeys.Any(p => Matches(p, k))).ToHashSet(AppSettingsCatalog.KeyComparer);
        var drift = new List<string>();
        foreach (var target in targets)
        {
            foreach (var key in keys.Where(k => !Covered(k, target) && SettingExclusions.Find(k, target.Id) is null))
            {
                var setBy = targets.Where(t => t.Settings.ContainsKey(key)).Select(t => t.Id);
                drift.Add($"{target.Id} lacks {key} (set by {string.Join(", ", setBy)})");
            }
        }
        Assert.True(drift.Count == 0, string.Join("\n", drift));
    }

    [Fact]
    public void Catalog_discovers_host_json_references_and_exclusions_match_as_globs()
    {
        Assert.Contains(AppSettingsCatalog.FromHostJson(), s => s.Key == "DurableTask__HubName");
        Assert.NotNull(SettingExclusions.Find("Kafka__SaslPassword", "k8s:minikube:pipeline-consumer"));
        Assert.Null(SettingExclusions.Find("Kafka__SaslPassword", "k8s:aks:pipeline-consumer"));
        Assert.Equal("Kafka__BootstrapServers", AppSettingsCatalog.Normalize("Kafka:BootstrapServers"));
    }

    /// <summary>A key is covered when set directly, or (for a connection) through its identity-based form.</summary>
    private static bool Covered(string key, SettingsTarget target) =>
        target.Settings.ContainsKey(key) || target.Settings.Keys.Any(k => k.StartsWith(key + "__", StringComparison.OrdinalIgnoreCase) && key == "AzureWebJobsStorage");

    private static bool Matches(string pattern, string key) =>
        pattern.EndsWith('*') ? key.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase) : AppSettingsCatalog.KeyComparer.Equals(pattern, key);
}

/// <summary>The reflection that discovers settings, on an options class shaped like the real ones.</summary>
public sealed class AppSettingsCatalogTests
{
    public sealed class SampleOptions
    {
        public const string SectionName = "Sample";
        public string Topic { get; set; } = "github.events";
        public int Partitions { get; init; } = 12;
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
        public List<string> Repositories { get; } = ["dotnet/runtime"];
        public RetrySettings Retry { get; set; } = new();
        public Dictionary<string, string> Headers { get; set; } = [];
        public string Computed => Topic + "!";
    }

    public sealed class RetrySettings
    {
        public int Count { get; set; } = 3;
    }

    [Fact]
    public void Keys_are_section_property_with_lists_as_0_and_nested_classes_recursed()
    {
        var keys = AppSettingsCatalog.KeysOf(typeof(SampleOptions), SampleOptions.SectionName).ToDictionary(s => s.Key, s => s.DefaultValue);
        Assert.Equal(["Sample__Partitions", "Sample__Repositories__0", "Sample__Retry__Count", "Sample__Timeout", "Sample__Topic"], keys.Keys.Order());
        Assert.Equal("github.events", keys["Sample__Topic"]);
        Assert.Equal("12", keys["Sample__Partitions"]);
        Assert.Equal("dotnet/runtime", keys["Sample__Repositories__0"]);
        Assert.Equal("3", keys["Sample__Retry__Count"]);
    }

    [Fact]
    public void Options_classes_in_the_Pipeline_assemblies_are_discovered_by_their_SectionName_constant()
    {
        // Runs against whatever options classes exist; each must yield at least one key.
        foreach (var (type, section) in AppSettingsCatalog.OptionsClasses())
        {
            Assert.False(string.IsNullOrWhiteSpace(section), $"{type.FullName}.SectionName is empty");
            Assert.NotEmpty(AppSettingsCatalog.KeysOf(type, section));
        }
        Assert.DoesNotContain(AppSettingsCatalog.PipelineAssemblies(), a => a.GetName().Name!.EndsWith("Tests", StringComparison.Ordinal));
    }
}
