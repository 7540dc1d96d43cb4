using LlmChains.Cli;

return CliApplication.Run(args, Console.Out, Console.Error);
