using System.Net;
using System.Net.Sockets;
using TcpRelay.TestSupport;

namespace TcpRelay.Listening;

/// <summary>
/// The accept loop must outlive running out of file descriptors. The relay runs in a child
/// process; once it has warmed up, its RLIMIT_NOFILE is lowered (prlimit --pid) to what it has
/// open plus <see cref="Pairs"/> relayed connections (two descriptors each), so that an accept
/// soon fails with EMFILE however many descriptors the runtime happens to use.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int Pairs = 8;
    private const int Reserve = 16; // DescriptorReserve's size
    private const string Exhausted = "100 ";
    private const string Recovered = "101 ";
    private const string Ended = "200 ";
    private const string TargetFailing = "201 ";

    // How long a client waits for its echo before it counts as waiting in the backlog.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AcceptLoopSurvivesRunningOutOfDescriptors()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        (RelayHostProcess started, int limit) = await StartLimitedAsync(backend);
        await using RelayHostProcess host = started;
        var relay = new IPEndPoint(IPAddress.Loopback, host.Port);

        // Clients one by one: the first ones are relayed, until a client waits in the backlog
        // because accept ran out of descriptors.
        var clients = new List<Socket>();
        int relayed = 0;
        try
        {
            while (true)
            {
                Assert.True(clients.Count < 3 * Pairs, "the relay never ran out of descriptors");
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                bool? outcome = await ConnectAndExchangeAsync(client, relay, clients.Count, Patience);
                if (outcome is null)
                {
                    break;
                }

                if (outcome.Value)
                {
                    relayed++;
                    continue;
                }

                // Accepted, then the dial found no descriptor: an odd number was free (a number
                // can be reserved by a system call in progress without showing in /proc). Take
                // the one left away, so the next accept fails.
                await host.LimitDescriptorsAsync(--limit);
            }

            await host.WaitForLineAsync(Exhausted, TimeSpan.FromSeconds(10));
            Assert.InRange(relayed, 1, Pairs);
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }

        // Descriptors come back: the clients are gone and the limit is raised again (the runtime
        // may have taken a number meanwhile, so closing alone need not free enough). The same
        // accept loop then takes the waiting and new connections again.
        // A new client, since the kernel may have dropped the ones that gave up in the backlog.
        await host.LimitDescriptorsAsync(limit + 4 * Pairs);
        Assert.True(
            await TryExchangeAsync(relay, 99) == true || await TryExchangeAsync(relay, 100) == true,
            "no relaying after recovery; relay log:" + Environment.NewLine + string.Join(Environment.NewLine, host.Lines));
        await host.WaitForLineAsync(Recovered, TimeSpan.FromSeconds(10));
        Assert.Equal(1, host.CountLines(Exhausted));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"relayed {relayed} at limit {limit}; relay log:{Environment.NewLine}"
            + string.Join(Environment.NewLine, host.Lines));
    }

    /// <summary>
    /// A burst that runs the relay out of descriptors: connections accepted in the burst and not
    /// yet dialed when the reserve is given back must not take the reserve's numbers for their
    /// targets, or the runtime finds none when it next starts a thread (it takes descriptors to
    /// start one, and ends the process when some threads cannot start).
    /// </summary>
    [Fact]
    public async Task ABurstThatRunsOutLeavesTheReserveToTheRuntime()
    {
        await using var backend = LoopbackBackend.Echo();
        (RelayHostProcess started, int limit) = await StartLimitedAsync(backend);
        await using RelayHostProcess host = started;
        var relay = new IPEndPoint(IPAddress.Loopback, host.Port);

        var clients = new List<Socket>();
        try
        {
            // Connected at once, so that the loops accept them in batches and hand some over.
            for (int i = 0; i < 6 * Pairs; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                try
                {
                    await client.ConnectAsync(relay, TestContext.Current.CancellationToken);
                }
                catch (SocketException)
                {
                    // Accepted and reset at once (its dial was refused) before the connect returned.
                }
            }

            await host.WaitForLineAsync(Exhausted, TimeSpan.FromSeconds(10));
            await Task.Delay(TimeSpan.FromSeconds(0.5), TestContext.Current.CancellationToken);
            int free = host.FreeBelow(limit);
            TestContext.Current.TestOutputHelper?.WriteLine($"free below the limit once out: {free}");
            Assert.True(
                host.CountLines(TargetFailing) == 0,
                "the relay's shortage was blamed on the target; relay log:"
                + Environment.NewLine + string.Join(Environment.NewLine, host.Lines));
            Assert.True(
                free >= Reserve,
                $"{free} descriptor numbers free below the limit, the reserve is {Reserve}; relay log:"
                + Environment.NewLine + string.Join(Environment.NewLine, host.Lines));
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }

        // The burst's connections end and the limit is raised (as above, the runtime may have taken
        // a number meanwhile); the reserve is taken back, and accepting and dialing work again.
        await host.LimitDescriptorsAsync(limit + (4 * Pairs));
        Assert.True(
            await TryExchangeAsync(relay, 99) == true || await TryExchangeAsync(relay, 100) == true,
            "no relaying after recovery; relay log:" + Environment.NewLine + string.Join(Environment.NewLine, host.Lines));
    }

    /// <summary>
    /// The relay host, once it has relayed one connection and logged its end, with its limit
    /// lowered to leave <see cref="Pairs"/> relayed connections' worth of descriptors.
    /// </summary>
    private static async Task<(RelayHostProcess Host, int Limit)> StartLimitedAsync(LoopbackBackend backend)
    {
        RelayHostProcess host = await RelayHostProcess.StartAsync(backend.EndPoint.Port);
        var relay = new IPEndPoint(IPAddress.Loopback, host.Port);
        Assert.True(await TryExchangeAsync(relay, 0) == true, "the relay does not relay");
        await host.WaitForLineAsync(Ended, TimeSpan.FromSeconds(10));
        int limit = LimitLeaving(host.OpenDescriptors(), 2 * Pairs);
        await host.LimitDescriptorsAsync(limit);
        return (host, limit);
    }

    /// <summary>
    /// The limit below which exactly <paramref name="free"/> descriptor numbers are unused: the
    /// kernel hands out the lowest free number and fails with EMFILE when it is not below the limit.
    /// </summary>
    private static int LimitLeaving(IReadOnlyList<int> open, int free)
    {
        var used = open.ToHashSet();
        int limit = 0;
        for (int unused = 0; unused < free; limit++)
        {
            if (!used.Contains(limit))
            {
                unused++;
            }
        }

        // Descriptors open above the limit stay usable and take no number below it.
        return limit;
    }

    private static async Task<bool?> TryExchangeAsync(IPEndPoint relay, int index)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        return await ConnectAndExchangeAsync(client, relay, index, TimeSpan.FromSeconds(10));
    }

    /// <summary>True when the payload came back, false when the relay closed or reset, null on timeout.</summary>
    private static async Task<bool?> ConnectAndExchangeAsync(
        Socket client, IPEndPoint relay, int index, TimeSpan timeout)
    {
        byte[] payload = BitConverter.GetBytes(index);
        using CancellationTokenSource cts = Bounded.Within(timeout);
        try
        {
            // A reset can arrive before the connect has returned: it fails the connect then.
            await client.ConnectAsync(relay, cts.Token);
            byte[] reply = await SocketData.ExchangeAsync(client, payload, cts.Token);
            return payload.AsSpan().SequenceEqual(reply);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
