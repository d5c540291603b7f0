using Assistant.Answering;
using Assistant.Core;

namespace Assistant.Benchmarks;

/// <summary>Paths and a started assistant over the shipped corpus, shared by the benchmarks.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "corpus");

    public static async Task<AssistantRuntime> StartAsync(string indexPath) =>
        await AssistantRuntime.StartAsync(new AssistantSettings { Corpus = Corpus, Index = indexPath });

    public static string TempIndex(string name) => Path.Combine(Path.GetTempPath(), $"assistant-bench-{name}-{Environment.ProcessId}.db");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
                return dir.FullName;
        }
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}
