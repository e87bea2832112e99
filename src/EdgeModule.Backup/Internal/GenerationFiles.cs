using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// File names in the backup folder. A generation is <c>backup-N.ebk</c>, N written in decimal with at least 12 digits
/// (zero-padded below 10^12, as many digits as needed above, up to 19 for <see cref="long.MaxValue"/>); only the
/// canonical spelling of a number counts, so one number has one name. Only a file with exactly that name is complete,
/// because the writer renames to it only after flushing. <c>backup-N.ebk.&lt;random&gt;.tmp</c> is a writer's temp file,
/// <c>backup-N.ebk.restored</c> marks a generation that was restored.
/// </summary>
internal static partial class GenerationFiles
{
    public const string Extension = ".ebk";
    public const string TempSuffix = ".tmp";
    public const string RestoredSuffix = ".restored";
    public const string ReasonSuffix = ".reason.txt";
    public const string QuarantineFolderName = "quarantine";
    public const string ProbePrefix = "write-speed-probe";
    public const string WriteCheckPrefix = "write-check-";

    public static string FileName(long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"backup-{generation:D12}{Extension}");

    /// <summary>The prefix of a writer's temp file for a generation; a random part and <see cref="TempSuffix"/> follow.</summary>
    public static string TempPrefix(long generation) => FileName(generation) + ".";

    /// <summary>The generation number of a complete generation's file name, or null for any other name.</summary>
    public static long? ParseGeneration(string fileName)
    {
        var match = GenerationName().Match(fileName);
        return match.Success && Parse(match.Groups[1].ValueSpan) is { } n && FileName(n) == fileName ? n : null;
    }

    /// <summary>The generation number in any of our names (generation, temp, marker, quarantined copy), or null.</summary>
    public static long? ParseAnyGeneration(string fileName)
    {
        var match = AnyName().Match(fileName);
        return match.Success ? Parse(match.Groups[1].ValueSpan) : null;
    }

    public static bool IsLeftoverTemp(string fileName) =>
        fileName.EndsWith(TempSuffix, StringComparison.Ordinal)
        && (fileName.StartsWith(ProbePrefix, StringComparison.Ordinal)
            || fileName.StartsWith(WriteCheckPrefix, StringComparison.Ordinal)
            || AnyName().IsMatch(fileName));

    /// <summary>A number too large for a generation (more than <see cref="long.MaxValue"/>) is not one of ours.</summary>
    private static long? Parse(ReadOnlySpan<char> digits) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex(@"^backup-([0-9]{12,19})\.ebk$", RegexOptions.CultureInvariant)]
    private static partial Regex GenerationName();

    [GeneratedRegex(@"^backup-([0-9]{12,19})\.ebk", RegexOptions.CultureInvariant)]
    private static partial Regex AnyName();
}
