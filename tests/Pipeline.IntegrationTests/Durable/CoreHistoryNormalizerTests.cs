using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Tracing;
using Google.Protobuf.Collections;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;
using Newtonsoft.Json;
using Pipeline.LocalHost.Durable;

namespace Pipeline.IntegrationTests.Durable;

/// <summary>What the sidecar builds, round-tripped the way DurableTask.AzureStorage stores queue messages (Json.NET with
/// type names), before and after <see cref="CoreHistoryNormalizer"/>.</summary>
public sealed class CoreHistoryNormalizerTests
{
    // The settings DurableTask.AzureStorage's MessageManager uses for TaskMessage payloads.
    private static readonly JsonSerializerSettings Storage = new() { TypeNameHandling = TypeNameHandling.Objects };

    private static TaskMessage RoundTrip(TaskMessage message) =>
        JsonConvert.DeserializeObject<TaskMessage>(JsonConvert.SerializeObject(message, Storage), Storage)!;

    private static TaskMessage SubOrchestrationStart(IDictionary<string, string> tags) => new()
    {
        OrchestrationInstance = new OrchestrationInstance { InstanceId = "child", ExecutionId = "e1" },
        Event = new ExecutionStartedEvent(-1, "\"input\"")
        {
            Name = "Child",
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "child", ExecutionId = "e1" },
            ParentInstance = new ParentInstance { Name = "Parent", TaskScheduleId = 0, OrchestrationInstance = new OrchestrationInstance { InstanceId = "parent", ExecutionId = "p1" } },
            Tags = tags,
        },
    };

    [Fact]
    public void A_protobuf_map_in_the_tags_of_a_start_message_is_stored_as_a_plain_dictionary_once_normalised()
    {
        var map = new MapField<string, string> { ["origin"] = "parent" };

        // Unmapped, the stored message names the protobuf type (what DurableTask.AzureStorage then failed to resolve).
        Assert.Contains("Google.Protobuf.Collections.MapField", JsonConvert.SerializeObject(SubOrchestrationStart(map), Storage));
        var json = JsonConvert.SerializeObject(CoreHistoryNormalizer.Normalize(SubOrchestrationStart(map)), Storage);
        Assert.DoesNotContain("Google.Protobuf", json);

        var read = RoundTrip(CoreHistoryNormalizer.Normalize(SubOrchestrationStart(map)));
        var started = Assert.IsType<ExecutionStartedEvent>(read.Event);
        Assert.IsType<Dictionary<string, string>>(started.Tags);
        Assert.Equal("parent", started.Tags["origin"]);
        Assert.Equal("parent", started.ParentInstance.OrchestrationInstance.InstanceId);
    }

    [Fact]
    public void The_sidecars_sub_orchestration_created_event_becomes_cores_own_with_every_field()
    {
        var created = new GrpcSubOrchestrationInstanceCreatedEvent(7)
        {
            Name = "Child",
            Version = "1",
            InstanceId = "child",
            Input = "\"x\"",
            ParentTraceContext = new DistributedTraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            IsPlayed = true,
        };
        var state = new OrchestrationRuntimeState();
        state.AddEvent(new ExecutionStartedEvent(-1, null) { Name = "Parent", OrchestrationInstance = new OrchestrationInstance { InstanceId = "p", ExecutionId = "e" } });
        state.AddEvent(created);

        CoreHistoryNormalizer.Normalize(state);

        var core = Assert.Single(state.Events.OfType<SubOrchestrationInstanceCreatedEvent>());
        Assert.Equal(typeof(SubOrchestrationInstanceCreatedEvent), core.GetType());
        Assert.Same(core, Assert.Single(state.NewEvents.OfType<SubOrchestrationInstanceCreatedEvent>()));
        Assert.Equal((7, "Child", "1", "child", "\"x\"", true, created.Timestamp), (core.EventId, core.Name, core.Version, core.InstanceId, core.Input, core.IsPlayed, core.Timestamp));
        Assert.Equal("b7ad6b7169203331", core.ClientSpanId);
    }

    [Fact]
    public void An_unknown_foreign_event_type_is_refused_with_its_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CoreHistoryNormalizer.Normalize(new ForeignEvent()));
        Assert.Contains(nameof(ForeignEvent), error.Message);
    }

    private sealed class ForeignEvent() : GenericEvent(1, "data");
}
