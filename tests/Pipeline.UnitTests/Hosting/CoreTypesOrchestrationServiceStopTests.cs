using System.Reflection;
using DurableTask.Core;
using Pipeline.LocalHost.Durable;
using Pipeline.Testing;

namespace Pipeline.UnitTests.Hosting;

/// <summary>
/// The sidecar stops the storage provider from an async void handler, where an exception ends the process; a CI run's
/// test process died of DurableTask.AzureStorage's ten-minute partition-manager TimeoutException. The provider here is a
/// stand-in whose stop fails or never ends (Azure Storage cannot be made to do either on demand).
/// </summary>
public sealed class CoreTypesOrchestrationServiceStopTests
{
    [Fact]
    public async Task A_provider_stop_that_throws_is_logged_not_thrown()
    {
        var log = new RecentLog<CoreTypesOrchestrationServiceStopTests>();
        var provider = StoppingProvider.Create(Task.FromException(new TimeoutException("Timed-out waiting for the partition manager to shut down.")));
        var service = new CoreTypesOrchestrationService(provider, null!, log, TimeSpan.FromSeconds(5));

        await service.StopAsync(isForced: false);

        Assert.Contains("did not stop cleanly", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("TimeoutException", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_stop_that_never_ends_is_given_up_after_the_timeout()
    {
        var log = new RecentLog<CoreTypesOrchestrationServiceStopTests>();
        var never = new TaskCompletionSource().Task;
        var provider = StoppingProvider.Create(never);
        var service = new CoreTypesOrchestrationService(provider, null!, log, TimeSpan.FromMilliseconds(200));

        var stop = service.StopAsync();
        var first = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(stop, first);
        await stop;
        Assert.Contains("did not stop cleanly within 0.2 s", log.ToString(), StringComparison.Ordinal);
    }

    /// <summary>An orchestration service whose only working members are the two stops, which return the given task.</summary>
    internal class StoppingProvider : DispatchProxy
    {
        private Task _stop = Task.CompletedTask;

        public static IOrchestrationService Create(Task stop)
        {
            var proxy = Create<IOrchestrationService, StoppingProvider>();
            ((StoppingProvider)(object)proxy)._stop = stop;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IOrchestrationService.StopAsync)
                ? _stop
                : throw new NotSupportedException(targetMethod?.Name);
    }
}
