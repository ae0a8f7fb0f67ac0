return await SignalPipeline.Functions.Cli.CliApp.RunAsync(args);
