using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// File names in the backup folder. A generation is <c>backup-NNNNNNNNNNNN.ebk</c> (12-digit number, growing by one per
/// backup); only a file with exactly that name is complete, because the writer renames to it only after flushing.
/// <c>….ebk.tmp</c> is a writer's temp file, <c>….ebk.restored</c> marks a generation that was restored.
/// </summary>
internal static partial class GenerationFiles
{
    public const string Extension = ".ebk";
    public const string TempSuffix = ".tmp";
    public const string RestoredSuffix = ".restored";
    public const string ReasonSuffix = ".reason.txt";
    public const string QuarantineFolderName = "quarantine";
    public const string ProbeFileName = "write-speed-probe" + TempSuffix;
    public const string WriteCheckPrefix = "write-check-";

    public static string FileName(long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"backup-{generation:D12}{Extension}");

    /// <summary>The generation number of a complete generation's file name, or null for any other name.</summary>
    public static long? ParseGeneration(string fileName)
    {
        var match = GenerationName().Match(fileName);
        return match.Success ? long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The generation number in any of our names (generation, temp, marker, quarantined copy), or null.</summary>
    public static long? ParseAnyGeneration(string fileName)
    {
        var match = AnyName().Match(fileName);
        return match.Success ? long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A unique name for the file that checks the folder is writable (two processes may check at once).</summary>
    public static string WriteCheckFileName() => $"{WriteCheckPrefix}{Guid.NewGuid():N}{TempSuffix}";

    public static bool IsLeftoverTemp(string fileName) =>
        fileName.EndsWith(TempSuffix, StringComparison.Ordinal)
        && (fileName == ProbeFileName || fileName.StartsWith(WriteCheckPrefix, StringComparison.Ordinal) || AnyName().IsMatch(fileName));

    [GeneratedRegex(@"^backup-(\d{12})\.ebk$", RegexOptions.CultureInvariant)]
    private static partial Regex GenerationName();

    [GeneratedRegex(@"^backup-(\d{12})\.ebk", RegexOptions.CultureInvariant)]
    private static partial Regex AnyName();
}
