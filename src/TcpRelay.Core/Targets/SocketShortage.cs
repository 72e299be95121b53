using TcpRelay.Listening;

namespace TcpRelay.Targets;

/// <summary>
/// What every dial path (splice, managed, namespace) does about the relay's own shortage of
/// descriptors around the socket it makes for the target: it makes none while the reserve is
/// given away, so that the reserve's numbers stay the runtime's, and a socket that cannot be made
/// for want of descriptors gives the reserve away and fails as
/// <see cref="DialFailure.NoDescriptors"/>, which the target's health does not count.
/// </summary>
internal static class SocketShortage
{
    /// <summary>
    /// The failure of a dial while the reserve is given away, null while it is held.
    /// <paramref name="where"/> is only formatted for the failure.
    /// </summary>
    public static TargetDialException? Refusal(string preposition, object where) =>
        DescriptorReserve.IsShort
            ? new TargetDialException(
                DialFailure.NoDescriptors, $"cannot create a socket {preposition} {where}: out of file descriptors")
            : null;

    /// <summary>
    /// The failure of a socket that could not be made; <paramref name="exhausted"/> when the
    /// kernel said EMFILE or ENFILE.
    /// </summary>
    public static TargetDialException Failed(
        bool exhausted, string preposition, object where, string reason, Exception? innerException = null)
    {
        if (exhausted)
        {
            DescriptorReserve.Release();
        }

        return new TargetDialException(
            exhausted ? DialFailure.NoDescriptors : DialFailure.Error,
            $"cannot create a socket {preposition} {where}: {reason}",
            innerException);
    }
}
