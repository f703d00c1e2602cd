// The `retrieval` command line; commands are wired in Commands/.
return Retrieval.Indexer.Cli.Run(args);
