namespace Assistant.Cli;

/// <summary>Entry point of the `assistant` command.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => CliApp.Build().Parse(args).InvokeAsync();
}
