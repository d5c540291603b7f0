namespace Assistant.Tests;

/// <summary>Locates the repository's corpus and the shared eval set from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "corpus");

    public static string Prompts => Path.Combine(Root, "prompts");

    public static string EvalSet => Path.GetFullPath(Path.Combine(Root, "..", "shared", "eval", "public.jsonl"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Assistant.sln not found above " + AppContext.BaseDirectory);
    }
}
