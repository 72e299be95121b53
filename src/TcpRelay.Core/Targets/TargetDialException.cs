namespace TcpRelay.Targets;

/// <summary>A dial that failed, with a reason an operator can act on.</summary>
public sealed class TargetDialException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TargetDialException(DialFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>The reason class of the failure.</summary>
    public DialFailure Failure { get; }
}
