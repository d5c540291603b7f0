using BenchmarkDotNet.Running;

// `-- tokens EVAL.jsonl` counts the generative prompts' tokens; anything else goes to BenchmarkDotNet.
if (args is ["tokens", var set])
    return await Assistant.Benchmarks.PromptTokens.RunAsync(set);
BenchmarkSwitcher.FromAssembly(typeof(Assistant.Benchmarks.Repo).Assembly).Run(args);
return 0;
