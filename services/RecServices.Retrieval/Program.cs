using RecServices.Retrieval;

await RetrievalApp.Build(args).RunAsync();
