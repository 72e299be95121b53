using TcpRelay.CommandLine;

return await CommandDispatcher.RunAsync(args, Console.Out, Console.Error);
