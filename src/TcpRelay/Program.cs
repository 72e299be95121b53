using TcpRelay.CommandLine;
using TcpRelay.Relaying;

// Before anything creates a socket: the socket engine reads its settings once.
SocketEngineTuning.Apply();
return await CommandDispatcher.RunAsync(args, Console.Out, Console.Error);
