namespace Pipeline.Embedded;

/// <summary>Settings for <see cref="EmbeddedPostgres"/>.</summary>
public sealed record EmbeddedPostgresOptions
{
    /// <summary>Cluster folder. Null: a temporary folder, removed on dispose. Given: reused when it already holds a cluster
    /// (the local host's persistent data), initialised otherwise, and kept on dispose.</summary>
    public string? DataDir { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Turns off fsync and full-page writes: fast and fine for tests and throw-away runs (commits still survive
    /// a server crash), but an OS crash can corrupt the cluster. Leave false for data you want to keep.</summary>
    public bool Unsafe { get; init; }

    /// <summary>Folder holding initdb, pg_ctl and postgres. Null: <c>PIPELINE_POSTGRES_BIN</c>, then
    /// /usr/lib/postgresql/15/bin, then the newest /usr/lib/postgresql/*/bin.</summary>
    public string? BinDir { get; init; }

    /// <summary>Database created (if missing) at start and named in <see cref="EmbeddedPostgres.ConnectionString"/>.</summary>
    public string Database { get; init; } = "pipeline";
}
