namespace Pipeline.ML.Registry;

/// <summary>Blob storage of model zips, drift references and staged data sets (container <c>Ml:ArtifactsContainer</c>).</summary>
public interface IModelArtifactStore
{
    Task UploadAsync(string path, BinaryData content, CancellationToken ct = default);
    Task<BinaryData> DownloadAsync(string path, CancellationToken ct = default);
    Task<bool> ExistsAsync(string path, CancellationToken ct = default);
}
