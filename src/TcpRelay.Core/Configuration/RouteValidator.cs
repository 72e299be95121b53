using System.Net.Sockets;

namespace TcpRelay.Configuration;

/// <summary>The checks on one route.</summary>
internal static class RouteValidator
{
    public static void Validate(string name, RouteConfig route, ValidationErrors errors)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            errors.Here($"route name '{name}' must be letters, digits, '_', '.' or '-', and not empty");
        }

        if (route.Name != name)
        {
            errors.Here($"route is keyed '{name}' but named '{route.Name}'");
        }

        ListenConfig listen = route.Listen;
        errors.Range("listen", listen.EndPoint.Port, 1, 65535);
        errors.Range("backlog", listen.Backlog, 1, 65535);
        if (listen.IPv6Only && listen.EndPoint.AddressFamily != AddressFamily.InterNetworkV6)
        {
            errors.Add("ipv6Only", $"'ipv6Only' applies to IPv6 listen addresses, not {listen.EndPoint}");
        }

        ValidateTarget(route.Target, errors.At("target"));
        ValidateConnection(route.Connection, errors);
        ValidateAdmission(route.Admission, errors);
    }

    private static void ValidateTarget(TargetConfig target, ValidationErrors errors)
    {
        switch (target)
        {
            case AddressTarget address:
                errors.Range("address", address.Port, 1, 65535);
                errors.Range("sourcePort", address.SourcePort, 1, 65535);
                if (address.Host.Length == 0)
                {
                    errors.Add("address", "'address' needs a host");
                }

                if (address is { Family: { } family, BindAddress: { } bind } && bind.AddressFamily != family)
                {
                    errors.Add("bind", $"'bind' {bind} is not of the target's address family");
                }

                break;
            case ContainerTarget container:
                errors.Range("port", container.Port, 1, 65535);
                if (string.IsNullOrWhiteSpace(container.Container))
                {
                    errors.Add("container", "'container' needs a container name or ID");
                }

                if (container.HoldTime < TimeSpan.Zero)
                {
                    errors.Add("holdTime", "'holdTime' must not be negative");
                }

                break;
            case NamespaceTarget ns:
                errors.Range("port", ns.Port, 1, 65535);
                if (!Path.IsPathFullyQualified(ns.Netns))
                {
                    errors.Add("netns",
                        $"'netns' must be an absolute path such as /var/run/netns/NAME, found \"{ns.Netns}\"");
                }

                break;
        }
    }

    private static void ValidateConnection(ConnectionOptions connection, ValidationErrors errors)
    {
        errors.Positive("connectTimeout", connection.ConnectTimeout);
        errors.Positive("idleTimeout", connection.IdleTimeout);
        errors.Positive("halfCloseTimeout", connection.HalfCloseTimeout);
        errors.Range("maxBufferedBytes", connection.MaxBufferedBytes, 4096, int.MaxValue);
        if (connection.KeepAlive is { } keepAlive)
        {
            // The kernel counts keepalive time in whole seconds.
            ValidationErrors k = errors.At("keepAlive");
            k.Positive("time", keepAlive.Time, TimeSpan.FromSeconds(1));
            k.Positive("interval", keepAlive.Interval, TimeSpan.FromSeconds(1));
            k.Range("count", keepAlive.Count, 1, 127);
        }
    }

    private static void ValidateAdmission(AdmissionConfig admission, ValidationErrors errors)
    {
        errors.Range("maxConnections", admission.MaxConnections, 1, long.MaxValue);
        errors.Range("maxConnectionsPerClient", admission.MaxConnectionsPerClient, 1, long.MaxValue);
        if (admission.NewConnectionsPerSecondPerClient is <= 0 or double.NaN)
        {
            errors.Add(
                "newConnectionsPerSecondPerClient", "'newConnectionsPerSecondPerClient' must be greater than zero");
        }

        if (admission.AcceptProxy is { } acceptProxy)
        {
            ValidationErrors a = errors.At("acceptProxy");
            if (acceptProxy.From.Count == 0)
            {
                a.Add("from", "'from' must list at least one network allowed to send a PROXY header");
            }

            a.Positive("timeout", acceptProxy.Timeout);
        }
    }
}
