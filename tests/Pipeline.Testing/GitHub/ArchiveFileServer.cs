using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing.GitHub;

/// <summary>
/// Kestrel on 127.0.0.1 serving GH Archive files from a folder (<c>GET /{name}</c>, application/gzip, chunked), like
/// data.gharchive.org. With <see cref="HoldAfterBytes"/> set, a response stops after that many bytes until
/// <see cref="Release"/> is called — to prove a reader consumes the stream before the file has fully arrived.
/// </summary>
public sealed class ArchiveFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _root;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ArchiveFileServer(WebApplication app, string root)
    {
        _app = app;
        _root = root;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public long? HoldAfterBytes { get; set; }

    /// <summary>Bytes of response bodies written so far (all requests).</summary>
    public long BytesSent;

    public void Release() => _release.TrySetResult();

    public static async Task<ArchiveFileServer> StartAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ArchiveFileServer(app, root);
        app.Run(server.ServeAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        server.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    private async Task ServeAsync(HttpContext ctx)
    {
        var name = Path.GetFileName(ctx.Request.Path.Value ?? "");
        var path = Path.Combine(_root, name);
        if (string.IsNullOrEmpty(name) || !File.Exists(path))
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        ctx.Response.ContentType = "application/gzip";
        await using var file = File.OpenRead(path);
        var buffer = new byte[16 * 1024];
        long sent = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, ctx.RequestAborted)) > 0)
        {
            if (HoldAfterBytes is { } hold && sent < hold && sent + read >= hold)
            {
                var head = (int)(hold - sent);
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, head), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                Interlocked.Add(ref BytesSent, head);
                sent += head;
                await _release.Task.WaitAsync(ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(head, read - head), ctx.RequestAborted);
                Interlocked.Add(ref BytesSent, read - head);
                sent += read - head;
                continue;
            }
            await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted);
            Interlocked.Add(ref BytesSent, read);
            sent += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
