namespace TcpRelay.Admission;

/// <summary>What a test client sees of its connection.</summary>
internal enum ClientView
{
    Open,
    Closed,
    Reset,
}
