using Pipeline.Testing.Hosting;

namespace Pipeline.IntegrationTests.Hosting;

/// <summary>One real local host process (embedded servers included) shared by the tests of <see cref="LocalHostCollection"/>.</summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    public const string WebhookSecret = "integration-test-webhook-secret";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pipeline-localhost-" + Guid.NewGuid().ToString("N"));

    public LocalHostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync(_dataDirectory, new Dictionary<string, string>
        {
            ["GitHub__WebhookSecret"] = WebhookSecret,
            // Tests serve archive files from a loopback server on a random port, named "localhost" (docs/api.md's refused
            // 127.0.0.1 example stays refused); the default allow-list (data.gharchive.org) refuses it.
            ["Backfill__AllowedHosts__0"] = "localhost",
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "local host process";
}
