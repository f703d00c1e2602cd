// The `retrieval` command line. Commands live in Commands/, each a small class; this file only wires them.
using Retrieval.Indexer.Cli;

return await RetrievalCommandLine.InvokeAsync(args);
