using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Orchestration.Scheduling;
using Pipeline.Storage;
using Pipeline.Testing.Analytics;

namespace Pipeline.FunctionsTests;

/// <summary>The Functions app's real host (Program.cs's composition, production-shaped settings): every [Function] class
/// is built from its services, and every timer trigger, given a real <see cref="TimerInfo"/>, starts the instance ids the
/// worker's schedulers start for the same occurrence.</summary>
public sealed class FunctionsHostTests
{
    [Fact]
    public void Every_function_class_resolves_from_the_hosts_services()
    {
        using var host = FunctionsApp.BuildHost(FunctionsApp.ProductionShapedSettings());
        using var scope = host.Services.CreateScope();
        var classes = FunctionsApp.FunctionClasses().ToList();
        Assert.True(classes.Count >= 9, $"found only {classes.Count} function classes");
        foreach (var type in classes)
        {
            // The Functions worker builds function classes with ActivatorUtilities over the host's (scoped) services.
            var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
            Assert.IsType(type, instance);
        }
    }

    [Fact]
    public void The_functions_host_registers_no_consumer_and_no_worker_schedulers()
    {
        var services = Pipeline.Functions.FunctionsAppComposition.CreateBuilder([], FunctionsApp.ProductionShapedSettings()).Services;
        var registered = services.SelectMany(d => new[] { d.ServiceType, d.ImplementationType }).OfType<Type>().Select(t => t.Name).ToHashSet();
        Assert.Contains("AggregateTrendsJob", registered);
        Assert.DoesNotContain("EventConsumerService", registered);
        Assert.DoesNotContain("ConsumerDownstream", registered);
        Assert.DoesNotContain("ScheduledJobsService", registered);
        Assert.DoesNotContain("PollerHostedService", registered);
    }

    public static TheoryData<string, string> Timers() => new()
    {
        { "AggregateTrendsTimer", "Analytics:Schedule" },
        { "MonitorModelsTimer", "Ml:Monitor:Schedule" },
        { "RetrainModelsTimer", "Ml:Monitor:RetrainSchedule" },
    };

    [Theory]
    [MemberData(nameof(Timers))]
    public async Task A_timer_trigger_starts_the_ids_the_workers_scheduler_starts(string function, string setting)
    {
        var settings = FunctionsApp.ProductionShapedSettings();
        var schedule = Pipeline.Domain.Scheduling.TimerSchedule.Parse(settings[setting]!);
        var occurrence = schedule.Next(new DateTimeOffset(2026, 12, 6, 2, 59, 0, TimeSpan.Zero));
        // The Functions host fires a little after the occurrence; the worker's scheduler wakes at it.
        var clock = new FixedTimeProvider(occurrence.AddMilliseconds(350));
        // Scheduled retrains go through the single-flight starter, which keeps its state in the store: each host gets its own
        // in-memory store, as each recording client is its own durable backend.
        using var host = FunctionsApp.BuildHost(settings, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<IDocumentStore>(new InMemoryDocumentStore());
        });

        var functions = new RecordingDurableTaskClient();
        var method = FunctionsApp.FunctionMethods().Single(m => m.GetCustomAttributes(typeof(FunctionAttribute), false).Cast<FunctionAttribute>().Single().Name == function);
        var instance = ActivatorUtilities.CreateInstance(host.Services, method.DeclaringType!);
        var timer = new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = occurrence.AddHours(-1).UtcDateTime, Next = occurrence.UtcDateTime, LastUpdated = occurrence.UtcDateTime } };
        await (Task)method.Invoke(instance, [timer, functions])!;
        Assert.NotEmpty(functions.Started);

        // A second firing of the same occurrence (a redelivery, or the other host) starts nothing new.
        await (Task)method.Invoke(instance, [timer, functions])!;

        var worker = new RecordingDurableTaskClient();
        var workerClock = new FixedTimeProvider(occurrence.AddMilliseconds(-200));
        using var workerHost = FunctionsApp.BuildHost(settings, s =>
        {
            s.AddSingleton<TimeProvider>(workerClock);
            s.AddSingleton<IDocumentStore>(new InMemoryDocumentStore());
        });
        var scheduler = new ScheduledJobsService(workerHost.Services.GetServices<ScheduledJob>(), worker, workerClock, NullLogger<ScheduledJobsService>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var expected = functions.Started.Keys.Order(StringComparer.Ordinal).ToList();
        while (!expected.All(worker.Started.ContainsKey) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await scheduler.StopAsync(CancellationToken.None);
        Assert.All(expected, id => Assert.True(worker.Started.ContainsKey(id), $"the worker's scheduler did not start {id}; it started [{string.Join(", ", worker.Started.Keys)}]"));
        var job = host.Services.GetServices<ScheduledJob>().Single(j => j.ScheduleSetting == setting);
        Assert.Equal(job.StartsFor(occurrence).Select(s => s.InstanceId).Order(StringComparer.Ordinal), expected);
        Assert.All(expected, id => Assert.Contains(ScheduledJob.Stamp(occurrence), id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_aggregation_timer_honours_Analytics_ScheduleEnabled()
    {
        var settings = FunctionsApp.ProductionShapedSettings();
        settings["Analytics:ScheduleEnabled"] = "false";
        using var host = FunctionsApp.BuildHost(settings, s => s.AddSingleton<TimeProvider>(new FixedTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero))));
        var functions = ActivatorUtilities.CreateInstance<Pipeline.Functions.Analytics.AnalyticsFunctions>(host.Services);
        var client = new RecordingDurableTaskClient();
        await functions.AggregateTrendsTimer(new TimerInfo(), client);
        Assert.Empty(client.Started);
    }
}
