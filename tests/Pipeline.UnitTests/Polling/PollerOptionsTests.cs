using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Polling;

namespace Pipeline.UnitTests.Polling;

public sealed class PollerOptionsTests
{
    private static readonly PollerOptionsValidator Validator = new();

    [Fact]
    public void Defaults_poll_every_five_minutes_against_api_github_com()
    {
        var o = new PollerOptions();
        Assert.Equal("Poller", PollerOptions.SectionName);
        Assert.Equal("0 */5 * * * *", o.Schedule);
        Assert.Equal("https://api.github.com/", o.ApiBaseUrl);
        Assert.Equal(PollResources.All, o.Resources);
        Assert.True(Validator.Validate(null, o).Succeeded);
    }

    [Theory]
    [InlineData("Repositories", "not-a-repo", "'not-a-repo' is not owner/name")]
    [InlineData("Schedule", "every five minutes", "Poller:Schedule")]
    [InlineData("ApiBaseUrl", "ftp://x", "Poller:ApiBaseUrl")]
    [InlineData("PerPage", "500", "Poller:PerPage")]
    [InlineData("MaxPages", "0", "Poller:MaxPages")]
    [InlineData("Resources", "commits", "unknown 'commits'")]
    public void Invalid_settings_name_the_key(string key, string value, string message)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Poller:{key}" + (key is "Repositories" or "Resources" ? ":0" : "")] = value,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddPipelinePoller(config).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PollerOptions>>().Value);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Token_is_read_from_github_token_and_repositories_may_be_one_comma_separated_string()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Token"] = "ghp_x",
            ["Poller:Repositories:0"] = "dotnet/runtime, octokit/octokit.net",
            ["Poller:Repositories:1"] = "DOTNET/runtime",
        }).Build();
        var o = new ServiceCollection().AddLogging().AddPipelinePoller(config).BuildServiceProvider().GetRequiredService<IOptions<PollerOptions>>().Value;
        Assert.Equal("ghp_x", o.GitHubToken);
        Assert.Equal(["dotnet/runtime", "octokit/octokit.net"], o.RepositoryList());
    }
}
