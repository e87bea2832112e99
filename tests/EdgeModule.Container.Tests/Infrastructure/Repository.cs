using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>The repository's deployment files, read where the tests run from (the folder holding EdgeModule.sln).</summary>
internal static partial class Repository
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string[] Lines(string relative) => File.ReadAllLines(PathOf(relative));

    /// <summary>The default of each ARG before the first FROM of a Dockerfile (the base images and the RID).</summary>
    public static Dictionary<string, string> DockerfileArgs(string dockerfile) =>
        Lines(dockerfile)
            .TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal))
            .Select(l => ArgLine().Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    public static JsonDocument Json(string relative) =>
        JsonDocument.Parse(File.ReadAllText(PathOf(relative)), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EdgeModule.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"EdgeModule.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^ARG ([A-Z_]+)=(\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ArgLine();
}
