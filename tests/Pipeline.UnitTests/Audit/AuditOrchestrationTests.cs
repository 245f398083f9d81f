// pipeline-audit:ignore — tests of the audit itself.
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Audit;
using Pipeline.Audit.Model;
using Pipeline.Domain;
using Pipeline.Orchestration.Audit;
using Pipeline.Storage;

namespace Pipeline.UnitTests.Audit;

/// <summary>The real orchestrator and activity on the in-process Durable Task host, with an in-memory document store.</summary>
public sealed class AuditOrchestrationTests
{
    public static Task<DurableTaskTestHost> StartHostAsync(IDocumentStore store, AuditOptions options) =>
        Pipeline.Testing.Hosting.PortRetry.StartAsync(() => DurableTaskTestHost.StartAsync(AuditDurable.Register, new DurableTaskTestHostOptions
        {
            // A free port: the default random 30000-40000 pick can collide with ephemeral ports in use.
            Port = Pipeline.Embedded.PortFinder.FreeTcpPort(),
            ConfigureServices = s =>
            {
                s.AddSingleton(store);
                s.AddSingleton(new AuditService(options));
            },
        }));

    [Fact]
    public async Task The_orchestration_audits_and_stores_the_report_under_its_instance_id()
    {
        using var dir = new TempDir();
        var path = AuditFixtures.Analytics(dir);
        var store = new InMemoryDocumentStore();
        await using var host = await StartHostAsync(store, new AuditOptions { WorkDir = dir.Sub("work") });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AuditRepositoryOrchestrator), new AuditRequest { Path = path, TopN = 2 }, cts.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var result = done.ReadOutputAs<AuditJobResult>()!;
        Assert.Equal((id, Collections.Audits, 7), (result.InstanceId, result.Collection, result.CommitsAnalyzed));
        var doc = await store.GetAsync(Collections.Audits, id);
        Assert.NotNull(doc);
        Assert.Equal(id, (string?)doc!["_id"]);
        Assert.Equal(result.Final, (double)doc["mlTestScore"]!["final"]!);
        Assert.Equal(result.Band, (string?)doc["mlTestScore"]!["band"]);
        Assert.Equal(2, doc["topFilesByMonth"]![0]!["files"]!.AsArray().Count);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", (string?)doc["createdAt"]);
    }

    [Fact]
    public async Task A_failing_audit_fails_the_orchestration_with_the_reason()
    {
        using var dir = new TempDir();
        var store = new InMemoryDocumentStore();
        await using var host = await StartHostAsync(store, new AuditOptions { WorkDir = dir.Sub("work") });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var missing = dir.Sub("gone");
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AuditRepositoryOrchestrator), new AuditRequest { Path = missing }, cts.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("does not exist", done.FailureDetails!.ErrorMessage);
        Assert.Null(await store.GetAsync(Collections.Audits, id));
    }
}
