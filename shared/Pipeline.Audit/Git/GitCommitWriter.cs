// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Text;
using LibGit2Sharp;

namespace Pipeline.Audit.Git;

/// <summary>
/// Writes commits straight into a repository's object database (blobs, trees, commits) without a working tree, with
/// chosen author dates. Used to build fixture repositories and the benchmark's generated history quickly.
/// </summary>
internal sealed class GitCommitWriter : IDisposable
{
    private readonly Repository _repo;
    private readonly string _branch;
    private TreeDefinition _tree = new();
    private Commit? _head;

    private GitCommitWriter(Repository repo, string branch)
    {
        _repo = repo;
        _branch = branch;
        _head = repo.Head.Tip;
        if (_head is not null) _tree = TreeDefinition.From(_head.Tree);
    }

    /// <summary>Creates (or opens) a repository at <paramref name="path"/> and writes to <paramref name="branch"/>, which HEAD points to.</summary>
    public static GitCommitWriter Create(string path, bool bare = false, string branch = "main")
    {
        if (!Repository.IsValid(path)) Repository.Init(path, bare);
        var repo = new Repository(path);
        if (repo.Head.Tip is null)
        {
            // An unborn HEAD cannot be retargeted through the API; point it at the branch directly.
            repo.Dispose();
            var gitDir = bare ? path : System.IO.Path.Combine(path, ".git");
            File.WriteAllText(System.IO.Path.Combine(gitDir, "HEAD"), $"ref: refs/heads/{branch}\n");
            repo = new Repository(path);
        }
        return new GitCommitWriter(repo, branch);
    }

    public Repository Repository => _repo;

    /// <summary>When false the branch is only moved by <see cref="Flush"/> (or <see cref="Pack"/>), which saves a ref write per commit.</summary>
    public bool UpdateBranchEachCommit { get; set; } = true;

    /// <summary>Points the branch at the last commit.</summary>
    public void Flush()
    {
        if (_head is not null) _repo.Refs.Add("refs/heads/" + _branch, _head.Id, allowOverwrite: true);
    }
    public Commit? Head => _head;

    /// <summary>Stages a file (content as UTF-8) for the next commit.</summary>
    public GitCommitWriter Put(string path, string content) => Put(path, Encoding.UTF8.GetBytes(content));

    public GitCommitWriter Put(string path, byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        var blob = _repo.ObjectDatabase.CreateBlob(stream);
        _tree.Add(path, blob, Mode.NonExecutableFile);
        return this;
    }

    public GitCommitWriter Delete(string path)
    {
        _tree.Remove(path);
        return this;
    }

    /// <summary>Moves a file keeping its blob (an exact rename).</summary>
    public GitCommitWriter Move(string from, string to)
    {
        var entry = _head?[from] ?? throw new InvalidOperationException($"{from} is not in the last commit");
        _tree.Remove(from);
        _tree.Add(to, (Blob)entry.Target, entry.Mode);
        return this;
    }

    /// <summary>Commits the staged tree with this author date (author = committer) and advances the branch.</summary>
    public Commit Commit(string message, DateTimeOffset when, string author = "Ada Lovelace", string email = "ada@example.com")
    {
        var tree = _repo.ObjectDatabase.CreateTree(_tree);
        var signature = new Signature(author, email, when);
        var parents = _head is null ? Array.Empty<Commit>() : [_head];
        var commit = _repo.ObjectDatabase.CreateCommit(signature, signature, message, tree, parents, prettifyMessage: false);
        _head = commit;
        if (UpdateBranchEachCommit) Flush();
        // Start the next tree from the written one so that only the directories the next commit touches are rebuilt.
        _tree = TreeDefinition.From(tree);
        return commit;
    }

    /// <summary>Packs every object into one pack file and removes the loose objects, as git gc would.</summary>
    public void Pack()
    {
        Flush();
        var objects = System.IO.Path.Combine(_repo.Info.Path, "objects");
        var packDir = System.IO.Path.Combine(objects, "pack");
        _repo.ObjectDatabase.Pack(new PackBuilderOptions(packDir));
        foreach (var dir in Directory.EnumerateDirectories(objects).Where(d => System.IO.Path.GetFileName(d).Length == 2).ToList())
            Directory.Delete(dir, recursive: true);
    }

    /// <summary>Creates a merge commit of the current head and <paramref name="other"/>, keeping the staged tree.</summary>
    public Commit Merge(Commit other, string message, DateTimeOffset when)
    {
        var tree = _repo.ObjectDatabase.CreateTree(_tree);
        var signature = new Signature("Ada Lovelace", "ada@example.com", when);
        var commit = _repo.ObjectDatabase.CreateCommit(signature, signature, message, tree, [_head!, other], prettifyMessage: false);
        _repo.Refs.Add("refs/heads/" + _branch, commit.Id, allowOverwrite: true);
        _head = commit;
        _tree = TreeDefinition.From(tree);
        return commit;
    }

    public void Dispose() => _repo.Dispose();
}
