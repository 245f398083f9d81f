using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Pipeline.IntegrationTests.Durable;

/// <summary>
/// The Durable Task features the project relies on, each on the backend <c>make run</c> uses (the local host's gRPC sidecar
/// over DurableTask.AzureStorage on a real Azurite), through the standard gRPC worker and client.
/// </summary>
[Collection(DurableBackendCollection.Name)]
public sealed class DurableConformanceTests(DurableBackendFixture backend)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly ConcurrentDictionary<string, int> Attempts = new();

    private Task<AzureStorageDurableHost> StartAsync(Action<DurableTaskRegistry> register, string? hub = null) =>
        AzureStorageDurableHost.StartAsync(backend.ConnectionString, hub ?? AzureStorageDurableHost.NewHubName("conf"), register);

    [Fact]
    public async Task A_sub_orchestration_runs_with_its_tags_and_returns_to_its_parent()
    {
        await using var host = await StartAsync(r =>
        {
            r.AddOrchestratorFunc<int, int>("Parent", async (ctx, n) =>
            {
                var options = new SubOrchestrationOptions(new TaskOptions(null, new Dictionary<string, string> { ["origin"] = "parent" }), $"{ctx.InstanceId}-child");
                var doubled = await ctx.CallSubOrchestratorAsync<int>("Child", n, options);
                return doubled + 1;
            });
            r.AddOrchestratorFunc<int, int>("Child", async (ctx, n) => await ctx.CallActivityAsync<int>("Double", n));
            r.AddActivityFunc<int, int>("Double", (_, n) => n * 2);
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 20);
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(41, done.ReadOutputAs<int>());
        var child = await host.Client.GetInstanceAsync($"{id}-child", getInputsAndOutputs: true);
        Assert.NotNull(child);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
        Assert.Equal("parent", child.Tags["origin"]);
    }

    [Fact]
    public async Task A_failing_sub_orchestration_fails_its_call_in_the_parent_with_the_reason()
    {
        await using var host = await StartAsync(r =>
        {
            r.AddOrchestratorFunc<string, string>("Parent", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallSubOrchestratorAsync<string>("Child", "x");
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            });
            r.AddOrchestratorFunc<string, string>("Child", (_, _) => Task.FromException<string>(new InvalidOperationException("child broke")));
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "x");
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Contains("child broke", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_durable_timer_waits_at_least_its_delay()
    {
        await using var host = await StartAsync(r => r.AddOrchestratorFunc<int, double>("Sleep", async (ctx, seconds) =>
        {
            var start = ctx.CurrentUtcDateTime;
            await ctx.CreateTimer(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            return (ctx.CurrentUtcDateTime - start).TotalSeconds;
        }));

        var started = DateTime.UtcNow;
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleep", 3);
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.ReadOutputAs<double>() >= 3, $"orchestration time advanced {done.ReadOutputAs<double>()} s");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task An_activity_is_retried_by_its_retry_policy_and_a_last_failure_reaches_the_orchestrator()
    {
        await using var host = await StartAsync(r =>
        {
            r.AddOrchestratorFunc<string, string>("Retry", async (ctx, key) =>
            {
                var policy = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(200)));
                var ok = await ctx.CallActivityAsync<int>("Flaky", key + ":ok", policy);
                try
                {
                    await ctx.CallActivityAsync<int>("Flaky", key + ":never", policy);
                    return $"{ok} then no failure";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ok} then {ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
                }
            });
            // Fails the first two attempts of ":ok" and every attempt of ":never"; returns the attempt that succeeded.
            r.AddActivityFunc<string, int>("Flaky", (_, key) =>
            {
                var attempt = Attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
                if (key.EndsWith(":never", StringComparison.Ordinal) || attempt < 3) throw new TimeoutException($"attempt {attempt} of {key}");
                return attempt;
            });
        });

        var key = Guid.NewGuid().ToString("N");
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retry", key);
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal($"3 then System.TimeoutException: attempt 3 of {key}:never", done.ReadOutputAs<string>());
        Assert.Equal(3, Attempts[key + ":never"]);
    }

    [Fact]
    public async Task External_events_from_the_client_and_from_another_orchestration_are_delivered()
    {
        await using var host = await StartAsync(r =>
        {
            r.AddOrchestratorFunc<string, string>("Waiter", async (ctx, _) =>
            {
                ctx.SetCustomStatus("waiting");
                var fromClient = await ctx.WaitForExternalEvent<string>("approval");
                var fromPeer = await ctx.WaitForExternalEvent<string>("peer");
                return $"{fromClient}+{fromPeer}";
            });
            r.AddOrchestratorFunc<string, string>("Sender", (ctx, target) =>
            {
                ctx.SendEvent(target, "peer", "hello");
                return "sent";
            });
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", "x");
        await host.WaitUntilAsync(id, m => m.ReadCustomStatusAs<string>() == "waiting", Timeout);
        await host.Client.RaiseEventAsync(id, "approval", "yes");
        var sender = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sender", id);
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("yes+hello", done.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.WaitForEndAsync(sender, Timeout)).RuntimeStatus);
    }

    [Fact]
    public async Task Custom_status_is_visible_while_running_and_after_completion()
    {
        await using var host = await StartAsync(r => r.AddOrchestratorFunc<string, string>("Stages", async (ctx, _) =>
        {
            ctx.SetCustomStatus(new StageStatus("first", 1));
            await ctx.WaitForExternalEvent<string>("go");
            ctx.SetCustomStatus(new StageStatus("done", 2));
            return "ok";
        }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Stages", "x");
        var running = await host.WaitUntilAsync(id, m => m.SerializedCustomStatus is not null, Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
        Assert.Equal(new StageStatus("first", 1), running.ReadCustomStatusAs<StageStatus>());

        await host.Client.RaiseEventAsync(id, "go", "now");
        var done = await host.WaitForEndAsync(id, Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(new StageStatus("done", 2), done.ReadCustomStatusAs<StageStatus>());
    }

    [Fact]
    public async Task Terminate_ends_a_waiting_orchestration_with_the_given_output_and_suspend_holds_one_until_resumed()
    {
        await using var host = await StartAsync(r => r.AddOrchestratorFunc<string, string>("Forever", async (ctx, _) =>
        {
            ctx.SetCustomStatus("waiting");
            return await ctx.WaitForExternalEvent<string>("never-or-go");
        }));

        var doomed = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", "x");
        await host.WaitUntilAsync(doomed, m => m.SerializedCustomStatus is not null, Timeout);
        await host.Client.TerminateInstanceAsync(doomed, new TerminateInstanceOptions { Output = "stopped by test" });
        var terminated = await host.WaitForEndAsync(doomed, Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("stopped by test", terminated.ReadOutputAs<string>());

        var held = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", "x");
        await host.WaitUntilAsync(held, m => m.SerializedCustomStatus is not null, Timeout);
        await host.Client.SuspendInstanceAsync(held, "hold");
        await host.WaitUntilAsync(held, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, Timeout);
        await host.Client.RaiseEventAsync(held, "never-or-go", "go");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(held))!.RuntimeStatus);
        await host.Client.ResumeInstanceAsync(held, "release");
        var resumed = await host.WaitForEndAsync(held, Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, resumed.RuntimeStatus);
        Assert.Equal("go", resumed.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purge_removes_a_finished_instance_by_id_and_by_filter()
    {
        await using var host = await StartAsync(r => r.AddOrchestratorFunc<int, int>("Echo", (_, n) => n));

        var first = await host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", 1);
        var second = await host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", 2);
        await host.WaitForEndAsync(first, Timeout);
        await host.WaitForEndAsync(second, Timeout);

        var byId = await host.Client.PurgeInstanceAsync(first);
        Assert.Equal(1, byId.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(first));

        var byFilter = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(
            CreatedFrom: DateTimeOffset.UtcNow.AddHours(-1), CreatedTo: DateTimeOffset.UtcNow.AddMinutes(1),
            Statuses: [OrchestrationRuntimeStatus.Completed]));
        Assert.Equal(1, byFilter.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(second));
    }

    [Fact]
    public async Task Continue_as_new_restarts_with_the_new_input_until_done()
    {
        await using var host = await StartAsync(r => r.AddOrchestratorFunc<int, int>("Count", async (ctx, n) =>
        {
            if (n >= 3) return n;
            await ctx.CallActivityAsync<int>("Noop", n);
            ctx.ContinueAsNew(n + 1);
            return -1;
        }).AddActivityFunc<int, int>("Noop", (_, n) => n));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Count", 0);
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(3, done.ReadOutputAs<int>());
        Assert.Equal("3", done.SerializedInput);
    }

    [Fact]
    public async Task An_orchestration_in_flight_completes_after_the_worker_and_sidecar_restart_on_the_same_storage()
    {
        var hub = AzureStorageDurableHost.NewHubName("restart");
        var key = Guid.NewGuid().ToString("N");
        void Register(DurableTaskRegistry r) => r.AddOrchestratorFunc<string, string>("Long", async (ctx, k) =>
        {
            var a = await ctx.CallActivityAsync<string>("Step", k + ":a");
            ctx.SetCustomStatus("between");
            await ctx.CreateTimer(TimeSpan.FromSeconds(6), CancellationToken.None);
            var sub = await ctx.CallSubOrchestratorAsync<string>("Inner", k);
            var b = await ctx.CallActivityAsync<string>("Step", k + ":b");
            return $"{a},{sub},{b}";
        }).AddOrchestratorFunc<string, string>("Inner", async (ctx, k) => await ctx.CallActivityAsync<string>("Step", k + ":inner"))
          .AddActivityFunc<string, string>("Step", (_, k) =>
          {
              Attempts.AddOrUpdate(k, 1, (_, n) => n + 1);
              return k[(k.LastIndexOf(':') + 1)..];
          });

        string id;
        await using (var first = await StartAsync(Register, hub))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Long", key);
            await first.WaitUntilAsync(id, m => m.ReadCustomStatusAs<string>() == "between", Timeout);
        }

        Assert.False(Attempts.ContainsKey(key + ":b"), "the orchestration must still be waiting on its timer when the host stops");
        await using var second = await StartAsync(Register, hub);
        var done = await second.WaitForEndAsync(id, TimeSpan.FromSeconds(120));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("a,inner,b", done.ReadOutputAs<string>());
        Assert.Equal(1, Attempts[key + ":a"]);
    }

    private sealed record StageStatus(string Stage, int Step);
}
