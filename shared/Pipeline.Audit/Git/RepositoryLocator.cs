// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Text.RegularExpressions;
using LibGit2Sharp;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Git;

/// <summary>Validates requests and turns them into an openable repository, cloning "owner/name" into the work folder.</summary>
public static partial class RepositoryLocator
{
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex RepoNameRegex();

    public static bool IsRepoName(string s) => RepoNameRegex().IsMatch(s) && !s.EndsWith("/.", StringComparison.Ordinal) && !s.EndsWith("/..", StringComparison.Ordinal);

    /// <summary>Checks the request without touching the network; throws <see cref="AuditInputException"/> with the reason.</summary>
    public static void Validate(AuditRequest request)
    {
        var hasPath = !string.IsNullOrWhiteSpace(request.Path);
        var hasRepo = !string.IsNullOrWhiteSpace(request.Repo);
        if (!hasPath && !hasRepo) throw new AuditInputException("Give either \"path\" (absolute path of a local git repository) or \"repo\" (\"owner/name\").");
        if (hasPath && hasRepo) throw new AuditInputException("Give either \"path\" or \"repo\", not both.");
        if (request.TopN is < 1 or > 1000) throw new AuditInputException("\"topN\" must be between 1 and 1000.");
        if (request.File is { } f && (f.Length == 0 || f.Contains("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(f)))
            throw new AuditInputException("\"file\" must be a repository-relative path.");
        if (hasRepo)
        {
            if (!IsRepoName(request.Repo!)) throw new AuditInputException($"\"repo\" must look like owner/name (letters, digits, '-', '.', '_'); got \"{request.Repo}\".");
            return;
        }
        var path = request.Path!;
        if (!System.IO.Path.IsPathFullyQualified(path)) throw new AuditInputException($"\"path\" must be absolute; got \"{path}\".");
        if (!Directory.Exists(path)) throw new AuditInputException($"\"path\" does not exist: {path}");
        if (!Repository.IsValid(path)) throw new AuditInputException($"\"path\" is not a git repository: {path}");
    }

    internal static LocatedRepository Locate(AuditRequest request, AuditOptions options, CancellationToken ct)
    {
        Validate(request);
        if (request.Path is { Length: > 0 } path)
        {
            using var repo = new Repository(path);
            var origin = repo.Network.Remotes["origin"]?.Url;
            return new LocatedRepository(path, "path", path, null, Analysis.GitHubActionsRuns.RepositoryFromRemote(origin));
        }
        var name = request.Repo!;
        return new LocatedRepository(CloneOrFetch(name, options, ct), "repo", null, name, name);
    }

    /// <summary>URL of "owner/name" under the clone base (https URL, file:// URL or local folder).</summary>
    public static string CloneUrl(string name, AuditOptions options)
    {
        var baseUrl = options.CloneBaseUrl.TrimEnd('/', '\\');
        return $"{baseUrl}/{name}.git";
    }

    private static string CloneOrFetch(string name, AuditOptions options, CancellationToken ct)
    {
        var url = CloneUrl(name, options);
        var target = System.IO.Path.Combine(options.WorkDir, name.Replace('/', System.IO.Path.DirectorySeparatorChar) + ".git");
        try
        {
            ct.ThrowIfCancellationRequested();
            if (Repository.IsValid(target))
            {
                using var repo = new Repository(target);
                var remote = repo.Network.Remotes["origin"];
                Commands.Fetch(repo, remote.Name, ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], new FetchOptions { Prune = true }, null);
                return target;
            }
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            var options2 = new CloneOptions { IsBare = true };
            options2.FetchOptions.OnTransferProgress = _ => !ct.IsCancellationRequested;
            return Repository.Clone(url, target, options2);
        }
        catch (LibGit2SharpException e)
        {
            throw new AuditSourceUnavailableException(
                $"Could not clone {url}: {e.Message}. Without network access only local clones can be audited: send {{\"path\": \"/abs/path\"}} or set Audit:CloneBaseUrl to a reachable mirror.", e);
        }
    }
}
