namespace Assistant.Tests;

/// <summary>Locates the repository's corpus and its copies of the eval sets from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "corpus");

    public static string Prompts => Path.Combine(Root, "prompts");

    /// <summary>The project's own copy of a development set (tests/Assistant.Tests/Eval), so the gate runs on a fresh clone.</summary>
    public static string EvalSet(string name) => Path.Combine(Root, "tests", "Assistant.Tests", "Eval", name);

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
