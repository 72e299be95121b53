using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using DockerConfig = TcpRelay.Configuration.DockerConfig;
using Version = System.Version;

namespace TcpRelay.Docker;

/// <summary>
/// The one component that talks to the Docker engine. It inspects every container once, then
/// follows the events stream and re-inspects a container whenever an event concerns it, so that
/// dialers read a current answer from a <see cref="ContainerWatch"/> without any API call. When
/// the engine goes away it keeps the last known state, retries with a capped backoff, and on
/// reconnect inspects everything again.
/// </summary>
internal sealed class DockerView : IAsyncDisposable
{
    private static readonly TimeSpan MinimumBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly ContainerTable _table;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private volatile EngineState _state = EngineState.Connecting;
    private volatile string? _engineProblem;

    public DockerView(DockerConfig config, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        Endpoint = DockerEndpoint.Resolve(config);
        _logger = loggerFactory.CreateLogger("TcpRelay.Docker.DockerView");
        _table = new ContainerTable(_logger);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The engine endpoint in use (relay.json, then DOCKER_HOST, then the local socket).</summary>
    public Uri Endpoint { get; }

    public EngineState State => _state;

    /// <summary>Why the engine is unreachable or unusable, for error messages; null when connected.</summary>
    public string? EngineProblem => _engineProblem;

    /// <summary>
    /// Starts following the engine and waits (bounded by the token) for the first attempt to end,
    /// successful or not, so that routes bound afterwards see the containers that already run.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        await _firstAttempt.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Returns the watch for a container reference, starting the view if needed.</summary>
    public ContainerWatch Watch(string reference)
    {
        ContainerWatch watch = _table.Watch(reference);
        EnsureStarted();
        return watch;
    }

    /// <summary>Gives a watch back; the view forgets it when no route uses it any more.</summary>
    public void Release(ContainerWatch watch) => _table.Release(watch);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop;
        }

        _stopping.Dispose();
    }

    private void EnsureStarted()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        CancellationToken stopping = _stopping.Token;
        TimeSpan backoff = MinimumBackoff;
        bool everConnected = false;
        while (!stopping.IsCancellationRequested)
        {
            bool connected = false;
            try
            {
                await FollowEngineAsync(everConnected, () =>
                {
                    connected = true;
                    everConnected = true;
                    backoff = MinimumBackoff;
                }, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (EngineIncompatibleException e)
            {
                SetUnreachable(e.Message);
                DockerLog.EngineIncompatible(_logger, Endpoint, e.Message, backoff);
            }
            catch (Exception e) when (IsEngineFailure(e))
            {
                string reason = Describe(e);
                SetUnreachable(reason);
                if (connected)
                {
                    backoff = MinimumBackoff;
                    DockerLog.EngineLost(_logger, Endpoint, reason, backoff);
                }
                else
                {
                    string whatHappens = everConnected
                        ? "keep the last known addresses"
                        : "cannot resolve containers until it answers (connections wait up to the hold time)";
                    DockerLog.EngineUnreachable(_logger, Endpoint, reason, whatHappens, backoff);
                }
            }

            _firstAttempt.TrySetResult();
            try
            {
                await Task.Delay(backoff, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = backoff * 2 < MaximumBackoff ? backoff * 2 : MaximumBackoff;
        }

        _firstAttempt.TrySetResult();
    }

    /// <summary>One connection to the engine: negotiate, subscribe, inspect all, then follow events.</summary>
    private async Task FollowEngineAsync(bool reconnect, Action onConnected, CancellationToken cancellationToken)
    {
        (DockerClient client, VersionResponse version, Version api) = await ConnectAsync(cancellationToken);
        using (client)
        {
            // Subscribe from the engine's own "now" before inspecting: whatever happens while the
            // inspection runs is replayed as an event, whichever request the engine serves first.
            SystemInfoResponse info = await client.System.GetSystemInfoAsync(cancellationToken);
            var parameters = new ContainerEventsParameters
            {
                Since = EngineClock.SinceArgument(info.SystemTime),
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["type"] = new Dictionary<string, bool> { ["container"] = true, ["network"] = true },
                },
            };
            var events = new EventChannel();
            using var streamStopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task stream = client.System.MonitorEventsAsync(parameters, events, streamStopping.Token)
                .ContinueWith(
                    finished => events.Complete(finished.Exception?.InnerException),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            try
            {
                Dictionary<string, ContainerSnapshot> containers =
                    await InspectAllAsync(client, cancellationToken);
                int count = containers.Count;
                _engineProblem = null;
                _state = EngineState.Connected;
                onConnected();
                if (reconnect)
                {
                    DockerLog.EngineReconnected(_logger, Endpoint, version.Version, api, count);
                }
                else
                {
                    DockerLog.EngineConnected(_logger, Endpoint, version.Version, api, count);
                }

                _table.Replace(containers);
                _firstAttempt.TrySetResult();
                _table.SignalAll();
                await foreach (Message message in events.Reader.ReadAllAsync(cancellationToken))
                {
                    if (EngineEvent.From(message) is { } engineEvent)
                    {
                        await ApplyAsync(client, engineEvent, cancellationToken);
                    }
                }
            }
            finally
            {
                await streamStopping.CancelAsync();
                await stream;
            }
        }
    }

    private async Task<(DockerClient Client, VersionResponse Version, Version Api)> ConnectAsync(
        CancellationToken cancellationToken)
    {
        // An unversioned request is answered by every engine; its answer says which version to pin.
        VersionResponse version;
        using (DockerClient probe = BuildClient(apiVersion: null))
        {
            version = await probe.System.GetVersionAsync(cancellationToken);
        }

        Version? api = DockerApiVersion.Choose(version.APIVersion, version.MinAPIVersion, out string? problem);
        if (api is null)
        {
            throw new EngineIncompatibleException(problem!);
        }

        return (BuildClient(api), version, api);
    }

    private DockerClient BuildClient(Version? apiVersion)
    {
        DockerClientBuilder builder = new DockerClientBuilder()
            .WithEndpoint(Endpoint)
            .WithTimeout(RequestTimeout);
        if (apiVersion is not null)
        {
            builder = builder.WithApiVersion(apiVersion);
        }

        return builder.Build();
    }

    private static async Task<Dictionary<string, ContainerSnapshot>> InspectAllAsync(
        DockerClient client, CancellationToken cancellationToken)
    {
        IList<ContainerListResponse> list = await client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true }, cancellationToken);
        var containers = new Dictionary<string, ContainerSnapshot>(StringComparer.Ordinal);
        foreach (ContainerListResponse item in list)
        {
            if (await InspectAsync(client, item.ID, cancellationToken) is { } snapshot)
            {
                containers[snapshot.Id] = snapshot;
            }
        }

        return containers;
    }

    private async Task ApplyAsync(
        DockerClient client, EngineEvent engineEvent, CancellationToken cancellationToken)
    {
        ContainerSnapshot? snapshot = engineEvent.Kind == EngineEventKind.Destroyed
            ? null
            : await InspectAsync(client, engineEvent.ContainerId, cancellationToken);
        _table.Apply(engineEvent.ContainerId, snapshot);
    }

    /// <summary>Inspects one container; null when it no longer exists.</summary>
    private static async Task<ContainerSnapshot?> InspectAsync(
        DockerClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            ContainerInspectResponse inspect =
                await client.Containers.InspectContainerAsync(id, cancellationToken);
            return ContainerSnapshot.FromInspect(inspect);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    private void SetUnreachable(string reason)
    {
        _engineProblem = reason;
        _state = EngineState.Unreachable;
        _table.SignalAll();
    }

    private static bool IsEngineFailure(Exception e) =>
        e is IOException or HttpRequestException or System.Net.Sockets.SocketException or TimeoutException
            or DockerApiException or OperationCanceledException or System.Text.Json.JsonException;

    private string Describe(Exception e)
    {
        Exception inner = e;
        while (inner.InnerException is not null && inner is HttpRequestException or IOException)
        {
            inner = inner.InnerException;
        }

        if (inner is System.Net.Sockets.SocketException socketError && Endpoint.Scheme == "unix")
        {
            // The kernel's words for a Unix socket are misleading ("cannot assign requested address").
            string path = Endpoint.LocalPath;
            return socketError.SocketErrorCode switch
            {
                System.Net.Sockets.SocketError.AddressNotAvailable => $"no socket at {path}",
                System.Net.Sockets.SocketError.ConnectionRefused => $"nothing listens on {path}",
                System.Net.Sockets.SocketError.AccessDenied =>
                    $"permission denied on {path}: run as root or in the docker group",
                _ => socketError.Message,
            };
        }

        return inner is OperationCanceledException
            ? $"no answer within {RequestTimeout.TotalSeconds} s"
            : inner.Message;
    }
}
