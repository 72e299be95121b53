using System.Threading.Channels;
using Docker.DotNet.Models;

namespace TcpRelay.Docker;

/// <summary>
/// Hands the library's events callback over to the view's loop, in order, so that inspections run
/// one at a time on the loop and never on the library's reading thread.
/// </summary>
internal sealed class EventChannel : IProgress<Message>
{
    private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public ChannelReader<Message> Reader => _channel.Reader;

    public void Report(Message value) => _channel.Writer.TryWrite(value);

    /// <summary>Ends the reader when the stream ends, with its error or an end-of-stream one.</summary>
    public void Complete(Exception? error) =>
        _channel.Writer.TryComplete(error ?? new IOException("the events stream ended"));
}
