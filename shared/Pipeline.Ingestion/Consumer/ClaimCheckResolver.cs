using System.Text;
using Confluent.Kafka;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Consumer;

/// <summary>
/// Resolves claim-checked messages before they are deserialised: a message with the <c>claim-check</c> header has its
/// value in blob storage. A missing blob or a consumer without a claim-check store makes the message unreadable
/// (<see cref="InvalidEventException"/>, so it goes to the dead-letter topic with its headers); a storage outage
/// propagates, and the consumer re-reads the uncommitted messages after it restarts.
/// </summary>
internal sealed class ClaimCheckResolver(IClaimCheckStore? store)
{
    public ValueTask<byte[]?> ResolveAsync(Message<byte[]?, byte[]?> message, CancellationToken ct)
    {
        if (message.Headers is null || !message.Headers.TryGetLastBytes(KafkaHeaders.ClaimCheck, out var reference)) return ValueTask.FromResult(message.Value);
        return ResolveCoreAsync(Encoding.UTF8.GetString(reference), ct);
    }

    private async ValueTask<byte[]?> ResolveCoreAsync(string reference, CancellationToken ct)
    {
        if (store is null) throw new InvalidEventException($"claim-checked message ({reference}) but no claim-check store is configured (Kafka:StorageConnectionString or AzureWebJobsStorage)");
        return await store.GetAsync(reference, ct).ConfigureAwait(false)
            ?? throw new InvalidEventException($"claim-check blob '{reference}' does not exist");
    }
}
