using BenchmarkDotNet.Running;

// `-- tokens EVAL.jsonl` counts the generative prompts' tokens; `-- reader-memory` measures the Qdrant reader's memory at
// 2,000 and 20,000 chunks; anything else goes to BenchmarkDotNet.
if (args is ["tokens", var set])
    return await Assistant.Benchmarks.PromptTokens.RunAsync(set);
if (args is ["reader-memory"])
    return await Assistant.Benchmarks.ReaderMemory.RunAsync([2_000, 20_000]);
if (args is ["reader-memory-open", var endpoint, var collection])
    return await Assistant.Benchmarks.ReaderMemory.OpenAndAnswerAsync(endpoint, collection);
BenchmarkSwitcher.FromAssembly(typeof(Assistant.Benchmarks.Repo).Assembly).Run(args);
return 0;
