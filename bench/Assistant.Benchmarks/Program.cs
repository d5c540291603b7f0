using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Assistant.Benchmarks.Repo).Assembly).Run(args);
