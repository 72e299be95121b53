using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;

namespace TcpRelay.Admission;

/// <summary>
/// The startup check of RLIMIT_NOFILE against the configured limits: every relayed connection
/// holds two descriptors (client and target), plus one per listener and some spare for logs,
/// the Docker API and the status socket.
/// </summary>
internal static partial class FileDescriptorLimit
{
    /// <summary>Descriptors kept aside for everything that is not a relayed connection.</summary>
    public const int Spare = 64;

    private const int RlimitNoFile = 7;

    /// <summary>
    /// Raises the soft limit to the hard limit when it is lower (the .NET runtime usually has
    /// done so already), then warns when the limit cannot hold the configured connections.
    /// </summary>
    public static void Check(RelayConfig config, ILogger logger)
    {
        if (GetLimit(out RLimit limit) != 0)
        {
            AdmissionLog.FileLimitUnavailable(logger, Marshal.GetLastPInvokeError());
            return;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (SetLimit(in raised) == 0)
            {
                AdmissionLog.FileLimitRaised(logger, limit.Current, limit.Maximum);
                limit = raised;
            }
            else
            {
                AdmissionLog.FileLimitUnavailable(logger, Marshal.GetLastPInvokeError());
            }
        }

        if (limit.Current == ulong.MaxValue)
        {
            return;
        }

        long fits = ConnectionsThatFit(limit.Current, config.Routes.Count);
        long? bound = ConnectionBound(config);
        if (bound is not long connections)
        {
            AdmissionLog.FileLimitUnbounded(logger, limit.Current, fits);
        }
        else if (connections > fits)
        {
            AdmissionLog.FileLimitTooLow(
                logger, limit.Current, connections, DescriptorsNeeded(connections, config.Routes.Count), fits);
        }
    }

    /// <summary>
    /// The most connections the configuration allows at once: the global limit, else the sum of
    /// the routes' limits when every route has one, else null (unbounded).
    /// </summary>
    public static long? ConnectionBound(RelayConfig config)
    {
        long? routes = 0;
        foreach (RouteConfig route in config.Routes.Values)
        {
            routes = route.Admission.MaxConnections is int max ? routes + max : null;
        }

        return config.MaxConnections is int global ? Math.Min(global, routes ?? long.MaxValue) : routes;
    }

    /// <summary>The soft RLIMIT_NOFILE, or null when it cannot be read.</summary>
    public static ulong? SoftLimit() => GetLimit(out RLimit limit) == 0 ? limit.Current : null;

    public static long DescriptorsNeeded(long connections, int listeners) => (2 * connections) + listeners + Spare;

    public static long ConnectionsThatFit(ulong limit, int listeners) =>
        Math.Max(0, ((long)Math.Min(limit, long.MaxValue / 2) - listeners - Spare) / 2);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    private static int GetLimit(out RLimit limit) => GetRLimit(RlimitNoFile, out limit);

    private static int SetLimit(in RLimit limit) => SetRLimit(RlimitNoFile, in limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
