// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Text;
using LibGit2Sharp;
using Pipeline.Audit.Catalog;

namespace Pipeline.Audit.Git;

/// <summary>Reads a blob as UTF-8 text, or null when it is too large or binary.</summary>
internal static class BlobText
{
    public static string? Read(Repository repo, ObjectId oid, int maxBytes)
    {
        var blob = repo.Lookup<Blob>(oid);
        if (blob is null || blob.Size > maxBytes) return null;
        using var stream = blob.GetContentStream();
        var bytes = new byte[blob.Size];
        stream.ReadExactly(bytes);
        if (FileKinds.LooksBinary(bytes)) return null;
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Number of lines as git counts them (a last line without newline counts).</summary>
    public static int CountLines(Repository repo, ObjectId oid, int maxBytes)
    {
        var blob = repo.Lookup<Blob>(oid);
        if (blob is null || blob.Size > maxBytes) return 0;
        using var stream = blob.GetContentStream();
        var bytes = new byte[blob.Size];
        stream.ReadExactly(bytes);
        if (bytes.Length == 0 || FileKinds.LooksBinary(bytes)) return 0;
        var lines = bytes.AsSpan().Count((byte)'\n');
        return bytes[^1] == (byte)'\n' ? lines : lines + 1;
    }
}
