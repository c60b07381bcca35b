using RecServices.Lab;

return await LabCommand.RunAsync(args, Console.Out, Console.Error);
