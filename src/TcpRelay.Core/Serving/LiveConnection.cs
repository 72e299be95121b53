using System.Net;
using TcpRelay.Relaying;

namespace TcpRelay.Serving;

/// <summary>What the server knows of one connection while it is alive.</summary>
internal sealed class LiveConnection
{
    public LiveConnection(long id, IPEndPoint? client, DateTimeOffset startedAt, long startTimestamp)
    {
        Id = id;
        Client = client;
        StartedAt = startedAt;
        StartTimestamp = startTimestamp;
    }

    public long Id { get; }

    public IPEndPoint? Client { get; set; }

    public DateTimeOffset StartedAt { get; }

    public long StartTimestamp { get; }

    public string? Target { get; set; }

    public RelaySession? Session { get; set; }
}
