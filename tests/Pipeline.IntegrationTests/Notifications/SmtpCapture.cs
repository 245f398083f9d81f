using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using Pipeline.Embedded;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Pipeline.IntegrationTests.Notifications;

/// <summary>A real SMTP server (the SmtpServer package) on a loopback port that keeps every message it accepts.</summary>
internal sealed class SmtpCapture : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private SmtpCapture(int port, CancellationTokenSource stop, Task running, CapturingStore store, CountingAuthenticator authenticator)
    {
        Port = port;
        _stop = stop;
        _running = running;
        Messages = store.Messages;
        Authenticator = authenticator;
    }

    public int Port { get; }

    public ConcurrentQueue<(string From, IReadOnlyList<string> To, MimeMessage Message)> Messages { get; }

    public CountingAuthenticator Authenticator { get; }

    /// <summary>Starts a server; with <paramref name="user"/> it advertises AUTH and accepts only that user and password.</summary>
    public static SmtpCapture Start(string? user = null, string? password = null)
    {
        var port = PortFinder.FreeTcpPort();
        var builder = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Port(port).IsSecure(false).AllowUnsecureAuthentication(user is not null).AuthenticationRequired(user is not null));
        var store = new CapturingStore();
        var authenticator = new CountingAuthenticator(user, password);
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        services.Add(authenticator);
        var server = new SmtpServer.SmtpServer(builder.Build(), services);
        var stop = new CancellationTokenSource();
        return new SmtpCapture(port, stop, server.StartAsync(stop.Token), store, authenticator);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // The server's normal way of stopping.
        }
        _stop.Dispose();
    }

    private sealed class CapturingStore : MessageStore
    {
        public ConcurrentQueue<(string From, IReadOnlyList<string> To, MimeMessage Message)> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            Messages.Enqueue((Address(transaction.From), transaction.To.Select(Address).ToList(), message));
            return SmtpResponse.Ok;
        }

        private static string Address(IMailbox mailbox) => $"{mailbox.User}@{mailbox.Host}";
    }

    internal sealed class CountingAuthenticator(string? user, string? password) : IUserAuthenticator
    {
        public int Attempts;

        public Task<bool> AuthenticateAsync(ISessionContext context, string user1, string password1, CancellationToken token)
        {
            Interlocked.Increment(ref Attempts);
            return Task.FromResult(user1 == user && password1 == password);
        }
    }
}
