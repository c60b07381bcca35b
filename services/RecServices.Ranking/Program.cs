using RecServices.Ranking;

await RankingApp.Build(args).RunAsync();
