using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RecServices.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(RecServices.Benchmarks.BenchBundle).Assembly).Run(args);
