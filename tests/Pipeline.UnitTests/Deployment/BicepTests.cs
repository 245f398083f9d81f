using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Deployment;

/// <summary>infra/azure Bicep, checked as text (independent of the compiler, so these run on any OS): structure,
/// required Azure resources, Key Vault references for every secret, and agreement with the AKS overlay's Key Vault
/// objects. <see cref="BicepCompileTests"/> compiles it with the real Bicep CLI.</summary>
public sealed class BicepTests
{
    private const string Main = "infra/azure/main.bicep";

    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoFiles.Under(DeploymentTargets.BicepFolder, ".bicep")) data.Add(f);
        return data;
    }

    private static string AllBicep() => string.Join("\n", RepoFiles.Under(DeploymentTargets.BicepFolder, ".bicep").Select(f => BicepText.StripComments(RepoFiles.Read(f))));

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_file_is_balanced_and_every_param_is_used(string file)
    {
        var text = BicepText.StripComments(RepoFiles.Read(file));
        foreach (var (open, close) in new[] { ('{', '}'), ('[', ']'), ('(', ')') })
        {
            var depth = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\'') { i = SkipString(text, i); continue; }
                if (text[i] == open) depth++;
                if (text[i] == close) depth--;
                Assert.True(depth >= 0, $"{file}: unexpected '{close}' at offset {i}");
            }
            Assert.True(depth == 0, $"{file}: {depth} unclosed '{open}'");
        }
        foreach (var param in BicepText.Declarations(text, "param"))
        {
            var uses = Regex.Matches(text, $@"\b{param}\b").Count;
            Assert.True(uses >= 2, $"{file}: param {param} is declared but never used");
        }
        foreach (Match m in Regex.Matches(text, @"^\s*(?:module)\s+\w+\s+'([^']+)'", RegexOptions.Multiline))
        {
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepoFiles.PathOf(file))!, m.Groups[1].Value));
            Assert.True(File.Exists(target), $"{file}: module {m.Groups[1].Value} does not exist");
        }
    }

    [Fact]
    public void Main_wires_every_module_param_it_passes_to_a_declared_param()
    {
        var main = BicepText.StripComments(RepoFiles.Read(Main));
        foreach (Match m in Regex.Matches(main, @"^module\s+(\w+)\s+'([^']+)'\s*=\s*\{", RegexOptions.Multiline))
        {
            var body = main.Substring(m.Index + m.Length, BicepText.Matching(main, m.Index + m.Length - 1, '{', '}') - (m.Index + m.Length));
            var passed = BicepText.TopLevelKeys(BicepText.ObjectAfter(body, "params:") ?? "");
            var moduleText = BicepText.StripComments(RepoFiles.Read("infra/azure/" + m.Groups[2].Value));
            var declared = BicepText.Declarations(moduleText, "param");
            Assert.True(passed.All(declared.Contains), $"module {m.Groups[1].Value} is passed unknown params: {string.Join(", ", passed.Except(declared))}");
            var required = Regex.Matches(moduleText, @"^param\s+(\w+)\s+\w+\s*$", RegexOptions.Multiline).Select(x => x.Groups[1].Value);
            Assert.True(required.All(passed.Contains), $"module {m.Groups[1].Value} misses required params: {string.Join(", ", required.Except(passed))}");
        }
    }

    [Fact]
    public void Azure_resources_the_issue_requires_are_declared()
    {
        var text = AllBicep();
        string[] types =
        [
            "Microsoft.Web/serverfarms", "Microsoft.Web/sites", "Microsoft.Web/sites/config", "Microsoft.Storage/storageAccounts",
            "Microsoft.EventHub/namespaces", "Microsoft.EventHub/namespaces/eventhubs", "Microsoft.DocumentDB/databaseAccounts",
            "Microsoft.DocumentDB/databaseAccounts/mongodbDatabases", "Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vaults/secrets",
            "Microsoft.Insights/components", "Microsoft.ManagedIdentity/userAssignedIdentities", "Microsoft.Authorization/roleAssignments",
            "Microsoft.App/containerApps",
        ];
        var missing = types.Where(t => !Regex.IsMatch(text, $@"resource\s+\w+\s+'{Regex.Escape(t)}@")).ToList();
        Assert.True(missing.Count == 0, "Missing resource types: " + string.Join(", ", missing));
        Assert.Matches(@"tier:\s*'FlexConsumption'", text);
        Assert.Matches(@"kafkaEnabled:\s*true", text);
        Assert.Matches(@"kind:\s*'MongoDB'", text);
        Assert.Contains("name: 'github.events'", text, StringComparison.Ordinal);
        Assert.Contains("name: 'github.events.dlq'", text, StringComparison.Ordinal);
        Assert.Matches(@"name:\s*'dotnet-isolated'\s*\n\s*version:\s*'10\.0'", text);
        foreach (var output in new[] { "functionAppUrl", "keyVaultName", "eventHubsNamespace", "workloadIdentityClientId", "tenantId" })
        {
            Assert.Contains(output, BicepText.Declarations(BicepText.StripComments(RepoFiles.Read(Main)), "output"));
        }
    }

    [Fact]
    public void Secret_settings_are_Key_Vault_references_and_no_secret_is_literal()
    {
        var functions = DeploymentTargets.Bicep().Single(t => t.Id == "bicep:functions");
        var body = BicepText.ResourceBodies(AllBicep(), "Microsoft.Web/sites/config@").Single();
        var secretKeys = RepoFiles.Read("infra/k8s/base/secret-keys.txt").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Append("Kafka__SaslPassword");
        foreach (var key in secretKeys)
        {
            Assert.True(functions.Settings.ContainsKey(key), $"bicep:functions lacks secret setting {key}");
            var line = Regex.Match(body, $@"^\s*{key}:\s*(.+)$", RegexOptions.Multiline).Groups[1].Value;
            Assert.Contains("@Microsoft.KeyVault(SecretUri=${", line, StringComparison.Ordinal);
        }
        Assert.DoesNotMatch(@"AccountKey=[A-Za-z0-9+/]{20,}", AllBicep());
        Assert.DoesNotMatch(@"SharedAccessKey=[A-Za-z0-9+/]{20,}", AllBicep());
        // Every secret param is @secure().
        foreach (Match m in Regex.Matches(AllBicep(), @"^param\s+(\w*(?:[Ss]ecret|[Tt]oken|[Kk]ey|[Pp]assword))\s+string", RegexOptions.Multiline))
        {
            Assert.Matches(@"@secure\(\)\s*\n(?:@[^\n]*\n)*param\s+" + m.Groups[1].Value + @"\b", AllBicep());
        }
    }

    [Fact]
    public void Key_Vault_secrets_are_the_ones_the_aks_SecretProviderClass_reads()
    {
        var created = Regex.Matches(AllBicep(), @"'Microsoft\.KeyVault/vaults/secrets@[^']+'[^{]*\{\s*parent:\s*\w+\s*name:\s*'([^']+)'")
            .Select(m => m.Groups[1].Value).ToHashSet();
        var spc = KubernetesObject.ParseAll(RepoFiles.Read("infra/k8s/overlays/aks/secretproviderclass.yaml"), "spc").Single();
        var objects = Regex.Matches((string)spc.Spec!["parameters"]!["objects"]!, @"objectName:\s*(\S+)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(objects);
        Assert.True(objects.SetEquals(created),
            $"Key Vault secrets in Bicep [{string.Join(", ", created.Order())}] differ from the SecretProviderClass objects [{string.Join(", ", objects.Order())}]");
    }

    [Fact]
    public void Claim_check_blobs_expire_after_the_topics_retention_and_the_inbox_is_never_expired()
    {
        var storage = BicepText.StripComments(RepoFiles.Read("infra/azure/modules/storage.bicep"));
        var eventHubs = BicepText.StripComments(RepoFiles.Read("infra/azure/modules/eventhubs.bicep"));
        var claimContainer = new Pipeline.Ingestion.Kafka.KafkaOptions().ClaimCheckContainer;
        var inboxContainer = new Pipeline.Ingestion.Webhooks.WebhookOptions().InboxContainer;
        Assert.Matches($@"var claimCheckContainerName = '{claimContainer}'", storage);
        Assert.Matches($@"var webhookInboxContainerName = '{inboxContainer}'", storage);
        Assert.Contains("'Microsoft.Storage/storageAccounts/managementPolicies@", storage, StringComparison.Ordinal);
        // One rule, scoped to the claim-check container only: the inbox holds undelivered data the relay still owes.
        var prefixes = Regex.Matches(storage, @"prefixMatch:\s*\[\s*'([^']*)'\s*\]").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["${claimCheckContainerName}/"], prefixes);
        var days = int.Parse(Regex.Match(storage, @"param claimCheckRetentionDays int = (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches(@"daysAfterModificationGreaterThan:\s*claimCheckRetentionDays", storage);
        var retentions = Regex.Matches(eventHubs, @"messageRetentionInDays:\s*(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(retentions);
        Assert.True(days > retentions.Max(), $"claim checks expire after {days} days, a topic keeps messages {retentions.Max()} days");
    }

    private static int SkipString(string text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\'' && (i + 1 >= text.Length || text[i + 1] != '\'')) return i;
            if (text[i] == '\'') i++;
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{') i = BicepText.Matching(text, i + 1, '{', '}');
        }
        return text.Length;
    }
}

/// <summary>infra/azure compiled by the real Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64): syntax, Azure
/// resource type checks and the linter, offline.</summary>
public sealed class BicepCompileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [SkippableFact]
    public void Main_bicep_compiles_to_an_ARM_template_without_errors_or_warnings()
    {
        Skip.If(BicepCli.Path is null, BicepCli.MissingReason);
        var result = BicepCli.Build("infra/azure/main.bicep");
        output.WriteLine(result.Diagnostics);
        Assert.True(result.ExitCode == 0, $"bicep build failed:\n{result.Diagnostics}");
        Assert.True(result.Messages.Count == 0, "Bicep diagnostics (fix them; the linter's warnings are real problems here):\n" + string.Join("\n", result.Messages));
        var template = System.Text.Json.Nodes.JsonNode.Parse(result.Template)!;
        Assert.Contains("deploymentTemplate.json", (string)template["$schema"]!, StringComparison.Ordinal);
        // Every module became a nested deployment.
        var modules = Regex.Matches(BicepText.StripComments(RepoFiles.Read("infra/azure/main.bicep")), @"^module\s+(\w+)", RegexOptions.Multiline).Count;
        var nested = template["resources"]!.AsArray().Count(r => (string?)r!["type"] == "Microsoft.Resources/deployments");
        Assert.Equal(modules, nested);
    }

    [SkippableFact]
    public void Bicep_check_catches_a_mistyped_property()
    {
        Skip.If(BicepCli.Path is null, BicepCli.MissingReason);
        // Outside the repository: other tests enumerate infra/azure in parallel.
        var dir = Path.Combine(Path.GetTempPath(), $"pipeline-bicep-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "bad.bicep"), """
                resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
                  name: 'kv'
                  location: 'westeurope'
                  properties: {
                    tenantId: subscription().tenantId
                    sku: { family: 'A', name: 'standard' }
                    enableRbacAuthorisation: true
                  }
                }
                """);
            var result = BicepCli.Build(Path.Combine(dir, "bad.bicep"));
            Assert.Contains(result.Messages, m => m.Contains("enableRbacAuthorisation", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
