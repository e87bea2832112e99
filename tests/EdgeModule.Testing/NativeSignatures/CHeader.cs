namespace EdgeModule.Tests.Shared.NativeSignatures;

/// <summary>
/// Reads an installed C header. A missing header fails the check with the Debian package to install: a binding
/// check must never pass because it had nothing to compare with.
/// </summary>
internal static class CHeader
{
    public static IReadOnlyList<CFunction> ReadPrototypes(string path, string exportMacro, string debianPackage)
    {
        var prototypes = CHeaderParser.ParseHeader(ReadText(path, debianPackage), exportMacro);
        return prototypes.Count > 0 ? prototypes
            : throw new InvalidDataException($"{path} declares no function after {exportMacro}: is it the header of {debianPackage}?");
    }

    public static string ReadText(string path, string debianPackage) =>
        File.Exists(path) ? File.ReadAllText(path)
        : throw new FileNotFoundException(
            $"{path} is missing, so the binding cannot be checked against it. Install the Debian package {debianPackage} " +
            $"(apt-get install {debianPackage}; eng/setup.sh does).",
            path);
}
