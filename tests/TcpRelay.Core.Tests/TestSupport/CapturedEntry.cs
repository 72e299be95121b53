using Microsoft.Extensions.Logging;

namespace TcpRelay.TestSupport;

/// <summary>One log event as the relay wrote it, with its structured properties.</summary>
internal sealed record CapturedEntry(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    IReadOnlyDictionary<string, object?> Properties)
{
    public object? this[string property] => Properties.GetValueOrDefault(property);

    public override string ToString() => $"{Level} {EventId.Id} {Category}: {Message}";
}
