namespace TcpRelay.Docker;

/// <summary>
/// Chooses the Engine API version to speak, the way the docker CLI negotiates: the engine's newest
/// version, capped at the newest one the client library was generated from. Pinning the version
/// (instead of sending unversioned paths) keeps the response schema the one the library expects
/// when the engine is upgraded.
/// </summary>
internal static class DockerApiVersion
{
    /// <summary>Docker 29's API version, the schema Docker.DotNet.Enhanced 4.4 is generated from.</summary>
    public static readonly Version LibraryMaximum = new(1, 52);

    /// <summary>Returns the version to request, or null with a reason when the two cannot agree.</summary>
    public static Version? Choose(string? engineApiVersion, string? engineMinimum, out string? problem)
    {
        problem = null;
        if (!Version.TryParse(engineApiVersion, out Version? engineMaximum))
        {
            problem = $"the engine reported no usable API version ('{engineApiVersion}')";
            return null;
        }

        Version chosen = engineMaximum < LibraryMaximum ? engineMaximum : LibraryMaximum;
        if (Version.TryParse(engineMinimum, out Version? minimum) && chosen < minimum)
        {
            problem = $"the engine needs API {minimum} or newer; TcpRelay speaks up to {LibraryMaximum}";
            return null;
        }

        return chosen;
    }
}
