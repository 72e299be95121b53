using System.Net;
using System.Runtime.InteropServices;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// <c>host LISTEN TARGET</c>: runs the in-process relay of the benchmarks as a plain process
/// until SIGTERM or SIGINT, so the peer comparison can measure the library when the executable
/// has no command line for a single route.
/// </summary>
internal static class RelayHostCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2
            || !IPEndPoint.TryParse(args[0], out IPEndPoint? listen)
            || !IPEndPoint.TryParse(args[1], out IPEndPoint? target))
        {
            await Console.Error.WriteLineAsync("usage: TcpRelay.Benchmarks host LISTEN:PORT TARGET:PORT");
            return 2;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt =
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        await using LoopbackRelay relay = await LoopbackRelay.StartAsync(listen, target);
        await Console.Out.WriteLineAsync($"relaying {relay.EndPoint} -> {target}; SIGTERM stops");
        await stop.Task;
        return 0;
    }
}
