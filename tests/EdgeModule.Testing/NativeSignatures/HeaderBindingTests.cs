using System.Reflection;

namespace EdgeModule.Tests.Shared.NativeSignatures;

/// <summary>
/// The checks every binding gets against its installed header, subclassed once per native library: every import
/// exists there with as many parameters, every parameter and return type has the same size on arm32 as on arm64 and
/// x64, the reader understood the whole header, and a missing header fails naming the package. This is how arm32 is
/// covered on an x64 machine, where no arm .NET runtime can be had (arm execution is verified on devices).
/// </summary>
public abstract class HeaderBindingTests
{
    protected abstract string HeaderPath { get; }

    protected abstract string ExportMacro { get; }

    /// <summary>The Debian package that installs <see cref="HeaderPath"/>.</summary>
    protected abstract string HeaderPackage { get; }

    /// <summary>The library name the binding's <c>[LibraryImport]</c>s use for this header.</summary>
    protected abstract string Library { get; }

    protected abstract Assembly Binding { get; }

    /// <summary>Prototypes of other libraries the binding imports from, by library name.</summary>
    internal virtual IReadOnlyDictionary<string, IReadOnlyList<CFunction>> OtherPrototypes { get; } =
        new Dictionary<string, IReadOnlyList<CFunction>>();

    [Fact]
    public void LibraryImports_AgainstHeader_AllDeclaredAndThirtyTwoBitSafe()
    {
        var prototypes = new Dictionary<string, IReadOnlyList<CFunction>>(OtherPrototypes) { [Library] = ReadHeader() };
        var imports = NativeBindingChecker.FindImports(Binding);

        var failures = NativeBindingChecker.Check(imports, prototypes);

        Assert.True(failures.Count == 0, $"{failures.Count} mismatches with {HeaderPath}:\n{string.Join('\n', failures)}");
        Assert.True(imports.Count(i => i.Library == Library) >= 5, $"only {imports.Count(i => i.Library == Library)} imports from '{Library}' found");
    }

    [Fact]
    public void ReadPrototypes_HeaderMissing_FailsNamingTheDebianPackage()
    {
        var missing = "/nonexistent" + HeaderPath;

        var ex = Assert.Throws<FileNotFoundException>(() => CHeader.ReadPrototypes(missing, ExportMacro, HeaderPackage));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"apt-get install {HeaderPackage}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPrototypes_Header_ReadsEveryExportedDeclaration()
    {
        var header = ReadHeader();
        var declared = CHeaderParser.StripCommentsAndDirectives(File.ReadAllText(HeaderPath)).Split(ExportMacro).Length - 1;

        Assert.Equal(declared, header.Count);
        Assert.Equal(header.Count, header.Select(f => f.Name).Distinct().Count());
    }

    internal IReadOnlyList<CFunction> ReadHeader() => CHeader.ReadPrototypes(HeaderPath, ExportMacro, HeaderPackage);
}
