namespace TcpRelay.Relaying.Splicing;

/// <summary>The two ends of a kernel pipe and how many bytes it holds.</summary>
internal readonly record struct KernelPipe(int Read, int Write, int Capacity)
{
    public static KernelPipe None => new(-1, -1, 0);

    public bool IsOpen => Read >= 0;
}
