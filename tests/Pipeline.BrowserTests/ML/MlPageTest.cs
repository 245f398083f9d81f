using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Models;
using Pipeline.Embedded;
using Pipeline.ML;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;
using Pipeline.Testing.Analytics;

namespace Pipeline.BrowserTests.ML;

/// <summary>
/// The server of the ML pages: the ML services (artifacts in a real Azurite, documents in memory, the in-memory Durable Task
/// backend for retrains) behind the model endpoints and the dashboard on Kestrel. Each test adds its settings and seeds.
/// </summary>
public abstract class MlPageTest : BrowserPageTest
{
    private EmbeddedAzurite? _azurite;
    private WebApplication? _app;

    protected InMemoryDocumentStore Store { get; } = new();

    protected IServiceProvider Services => _app!.Services;

    /// <summary>The server's base URL (http://127.0.0.1:port).</summary>
    protected string Url { get; private set; } = string.Empty;

    /// <summary>Ml:* settings besides the artifact store's.</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Puts what the page shows into the running server.</summary>
    protected abstract Task SeedAsync();

    protected sealed override async Task StartServerAsync()
    {
        _azurite = await EmbeddedAzurite.StartAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ml:BlobConnectionString"] = _azurite.ConnectionString,
            ["Ml:ArtifactsContainer"] = GetType().Name.ToLowerInvariant(),
        });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Services.AddSingleton<IDocumentStore>(Store);
        builder.Services.AddPipelineMl(builder.Configuration);
        builder.Services.AddInMemoryDurableTask(MlDurable.Register, new InMemoryDurableTaskOptions { Port = PortFinder.FreeTcpPort() });
        _app = builder.Build();
        _app.MapModelEndpoints();
        _app.MapDashboardEndpoints();
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await SeedAsync();
    }

    protected sealed override async Task StopServerAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
