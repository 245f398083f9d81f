namespace Pipeline.Api.Management;

/// <summary>One page of an operation's instances, newest storage order first; pass <c>continuationToken</c> back for the next page
/// (null on the last page; also in header <c>x-ms-continuation-token</c>, as Durable Functions' list API sends it).</summary>
internal sealed record InstanceListDocument(IReadOnlyList<InstanceStatusDocument> Instances, string? ContinuationToken);
