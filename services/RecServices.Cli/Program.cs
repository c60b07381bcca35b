using RecServices.Cli;

return await RecsCommand.RunAsync(args, Console.Out, Console.Error);
