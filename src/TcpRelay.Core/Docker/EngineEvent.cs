using Docker.DotNet.Models;

namespace TcpRelay.Docker;

/// <summary>What the view takes from one events-stream message: which container, what happened.</summary>
internal readonly record struct EngineEvent(string ContainerId, EngineEventKind Kind, string Action)
{
    /// <summary>Null for events that change nothing the view keeps.</summary>
    public static EngineEvent? From(Message message)
    {
        string? action = message.Action;
        if (action is null || message.Actor is null)
        {
            return null;
        }

        if (message.Type == "container")
        {
            EngineEventKind? kind = ClassifyContainerAction(action);
            string? id = message.Actor.ID;
            return kind is null || string.IsNullOrEmpty(id) ? null : new EngineEvent(id, kind.Value, action);
        }

        if (message.Type == "network" && action is "connect" or "disconnect"
            && message.Actor.Attributes?.TryGetValue("container", out string? container) == true
            && !string.IsNullOrEmpty(container))
        {
            return new EngineEvent(container, EngineEventKind.Changed, "network " + action);
        }

        return null;
    }

    private static EngineEventKind? ClassifyContainerAction(string action)
    {
        // health_status carries its result after a colon: "health_status: healthy".
        if (action.StartsWith("health_status", StringComparison.Ordinal))
        {
            return EngineEventKind.Changed;
        }

        return action switch
        {
            "destroy" => EngineEventKind.Destroyed,
            "create" or "start" or "restart" or "die" or "stop" or "kill" or "rename" or "pause" or "unpause"
                or "update" => EngineEventKind.Changed,
            _ => null,
        };
    }
}
