using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace TcpRelay.Admission;

public class ClientTableTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.1");

    [Fact]
    public void LiveConnectionsPerClientAreCappedAndReleased()
    {
        var table = new ClientTable(2, null, new FakeTimeProvider());

        Assert.Equal(Refusal.None, table.TryAcquire(Client, out ClientState? first));
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.ClientLimit, table.TryAcquire(Client, out ClientState? refused));
        Assert.Null(refused);
        Assert.Equal(Refusal.None, table.TryAcquire(IPAddress.Parse("10.0.0.2"), out _));

        ClientTable.Release(first!);
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
    }

    [Fact]
    public void MappedAndPlainIPv4AreOneClient()
    {
        var table = new ClientTable(1, null, new FakeTimeProvider());

        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.ClientLimit, table.TryAcquire(IPAddress.Parse("::ffff:10.0.0.1"), out _));
    }

    [Fact]
    public void RateRefusesBeyondTheBurstAndRefillsWithTime()
    {
        var time = new FakeTimeProvider();
        var table = new ClientTable(null, 5, time);

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        }

        Assert.Equal(Refusal.RateLimit, table.TryAcquire(Client, out _));
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.RateLimit, table.TryAcquire(Client, out _));
    }

    [Fact]
    public void ReconfiguredLimitsCountWhatClientsAlreadyHold()
    {
        var table = new ClientTable(3, 10, new FakeTimeProvider());
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out ClientState? first));
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));

        // Two live connections against a new maximum of 2; the bucket's 8 tokens cut to 1.
        table.Reconfigure(2, 1);
        Assert.Equal(Refusal.ClientLimit, table.TryAcquire(Client, out _));
        ClientTable.Release(first!);
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out ClientState? third));
        ClientTable.Release(third!);
        Assert.Equal(Refusal.RateLimit, table.TryAcquire(Client, out _));
    }

    [Fact]
    public void RateBelowOnePerSecondStillAdmitsNowAndThen()
    {
        var time = new FakeTimeProvider();
        var table = new ClientTable(null, 0.5, time);

        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.RateLimit, table.TryAcquire(Client, out _));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
    }

    [Fact]
    public void ClientAtItsConnectionLimitKeepsItsTokens()
    {
        var table = new ClientTable(1, 2, new FakeTimeProvider());

        Assert.Equal(Refusal.None, table.TryAcquire(Client, out ClientState? held));
        Assert.Equal(Refusal.ClientLimit, table.TryAcquire(Client, out _));
        ClientTable.Release(held!);
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
    }

    [Fact]
    public void SweepDropsIdleEntriesOnlyOnceTheirBucketHasRefilled()
    {
        var time = new FakeTimeProvider();
        var table = new ClientTable(4, 1, time);
        table.TryAcquire(Client, out ClientState? live);
        table.TryAcquire(IPAddress.Parse("10.0.0.2"), out ClientState? idle);
        ClientTable.Release(idle!);

        table.Sweep();
        Assert.Equal(2, table.Entries);

        time.Advance(TimeSpan.FromSeconds(1));
        table.Sweep();
        Assert.Equal(1, table.Entries);

        ClientTable.Release(live!);
        time.Advance(TimeSpan.FromSeconds(1));
        table.Sweep();
        Assert.Equal(0, table.Entries);
    }

    [Fact]
    public void ManyClientsDoNotGrowTheTableWithoutBound()
    {
        var time = new FakeTimeProvider();
        var table = new ClientTable(null, 1, time);
        var bytes = new byte[16];
        bytes[0] = 0x20;
        bytes[1] = 0x01;
        for (int i = 0; i < ClientTable.SoftCapacity + 5000; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(12), i);
            table.TryAcquire(new IPAddress(bytes), out ClientState? held);

            // Each connection of the flood has ended; live ones keep their entries.
            ClientTable.Release(held!);
        }

        // The sweeps run on the thread pool; the last one must bring the table under the cap.
        table.Sweep();
        Assert.True(table.Entries <= ClientTable.SoftCapacity, $"{table.Entries} entries");
    }

    [Fact]
    public void AMaximumAddedToARateOnlyTableCountsWhatClientsAlreadyHold()
    {
        var table = new ClientTable(null, 5, new FakeTimeProvider());
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out ClientState? held));

        table.Reconfigure(1, 5);

        Assert.Equal(Refusal.ClientLimit, table.TryAcquire(Client, out _));
        ClientTable.Release(held!);
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
    }

    [Fact]
    public async Task ConcurrentAcquireAndReleaseBalance()
    {
        var table = new ClientTable(3, null, new FakeTimeProvider());
        int admitted = 0;
        int peak = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                if (table.TryAcquire(Client, out ClientState? held) == Refusal.None)
                {
                    int now = Interlocked.Increment(ref admitted);
                    InterlockedMax(ref peak, now);
                    Interlocked.Decrement(ref admitted);
                    ClientTable.Release(held!);
                }
            }
        })));

        Assert.InRange(peak, 1, 3);
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.None, table.TryAcquire(Client, out _));
        Assert.Equal(Refusal.ClientLimit, table.TryAcquire(Client, out _));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
