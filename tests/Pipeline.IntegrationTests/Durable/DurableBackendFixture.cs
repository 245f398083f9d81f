using Pipeline.Embedded;

namespace Pipeline.IntegrationTests.Durable;

/// <summary>One real Azurite for the durable conformance tests; each test uses a task hub of its own on it.</summary>
public sealed class DurableBackendFixture : IAsyncLifetime
{
    public EmbeddedAzurite Azurite { get; private set; } = null!;

    public string ConnectionString => Azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        // On a loaded machine several Azurites starting at once can miss the 60 s readiness wait; one more try, then fail.
        try
        {
            Azurite = await EmbeddedAzurite.StartAsync();
        }
        catch (System.Net.Sockets.SocketException)
        {
            Azurite = await EmbeddedAzurite.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DurableBackendCollection : ICollectionFixture<DurableBackendFixture>
{
    public const string Name = "durable backend (sidecar over DurableTask.AzureStorage on Azurite)";
}
