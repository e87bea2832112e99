using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeModule.Tests.Shared.NativeSignatures;

/// <summary>One <c>[LibraryImport]</c> method: the generated P/Invoke keeps the attribute on the partial declaration.</summary>
internal sealed record ImportedFunction(MethodInfo Method, LibraryImportAttribute Import)
{
    public string Library => Import.LibraryName;

    public string EntryPoint => Import.EntryPoint ?? Method.Name;

    public override string ToString() => $"{EntryPoint} ({Method.DeclaringType!.Name}.{Method.Name})";
}

/// <summary>
/// Compares a binding's <c>[LibraryImport]</c> declarations with the C prototypes they call, with the 32-bit-safe
/// rules of <see cref="CTypeMapping"/>. Every failure names the function, the parameter index (0-based), the C
/// declaration and the managed type.
/// </summary>
internal static class NativeBindingChecker
{
    private const BindingFlags AllStatic = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Every <c>[LibraryImport]</c> method of the assembly, nested types included.</summary>
    public static IReadOnlyList<ImportedFunction> FindImports(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(type => type.GetMethods(AllStatic))
            .Select(method => (Method: method, Import: method.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(m => m.Import is not null)
            .Select(m => new ImportedFunction(m.Method, m.Import!))
            .OrderBy(m => m.EntryPoint, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Checks each import against the prototypes of its library; an import whose library has no prototypes here, or
    /// whose entry point its header does not declare, is a failure too.
    /// </summary>
    public static IReadOnlyList<string> Check(
        IEnumerable<ImportedFunction> imports, IReadOnlyDictionary<string, IReadOnlyList<CFunction>> prototypesByLibrary)
    {
        var failures = new List<string>();
        foreach (var import in imports)
        {
            if (!prototypesByLibrary.TryGetValue(import.Library, out var prototypes))
            {
                failures.Add($"{import}: imports from '{import.Library}', for which no header or prototype is checked");
                continue;
            }

            var prototype = prototypes.FirstOrDefault(p => p.Name == import.EntryPoint);
            failures.AddRange(prototype is null
                ? [$"{import}: '{import.EntryPoint}' is not declared in the header of '{import.Library}'"]
                : Check(import, prototype));
        }

        return failures;
    }

    public static IReadOnlyList<string> Check(ImportedFunction import, CFunction prototype)
    {
        var parameters = import.Method.GetParameters();
        if (parameters.Length != prototype.Parameters.Count)
        {
            return [$"{import}: C declares {prototype.Parameters.Count} parameters ({prototype}), the import {parameters.Length}"];
        }

        var strings = import.Import.StringMarshalling;
        var failures = new List<string>();
        var returnParameter = import.Method.ReturnParameter;
        if (CTypeMapping.Mismatch(prototype.ReturnType, returnParameter.ParameterType, Slot.Return, MarshalAsOf(returnParameter), strings) is { } r)
        {
            failures.Add($"{import} return value: C {prototype.ReturnType} ↔ {ManagedName(returnParameter)}: {r}");
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            var c = prototype.Parameters[i];
            if (CTypeMapping.Mismatch(c.Type, parameters[i].ParameterType, Slot.Parameter, MarshalAsOf(parameters[i]), strings) is { } reason)
            {
                failures.Add($"{import} parameter {i} '{c}': C {c.Type} ↔ {ManagedName(parameters[i])} {parameters[i].Name}: {reason}");
            }
        }

        return failures;
    }

    /// <summary>A struct the binding reads through a pointer: same fields, in order, each mapping in raw memory.</summary>
    public static IReadOnlyList<string> CheckStruct(Type managed, string cName, IReadOnlyList<CParameter> cFields)
    {
        if (!managed.IsLayoutSequential && !managed.IsExplicitLayout)
        {
            return [$"{managed.Name} (struct {cName}) needs [StructLayout(LayoutKind.Sequential)]"];
        }

        var fields = managed.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (fields.Length != cFields.Count)
        {
            return [$"{managed.Name}: struct {cName} has {cFields.Count} fields, the managed struct {fields.Length}"];
        }

        return cFields
            .Select((c, i) => CTypeMapping.Mismatch(c.Type, fields[i].FieldType, Slot.Raw) is { } reason
                ? $"{managed.Name} field {i} '{c}': C {c.Type} ↔ {ManagedName(fields[i].FieldType)} {fields[i].Name}: {reason}"
                : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>The managed type as C# spells it: <c>nuint*</c>, <c>out int</c>, <c>delegate* unmanaged&lt;nint, void&gt;</c>.</summary>
    public static string ManagedName(Type type) => type switch
    {
        { IsByRef: true } => $"ref {ManagedName(type.GetElementType()!)}",
        { IsPointer: true } => $"{ManagedName(type.GetElementType()!)}*",
        { IsFunctionPointer: true } => $"delegate* {(type.IsUnmanagedFunctionPointer ? "unmanaged" : "managed")}<" +
            string.Join(", ", type.GetFunctionPointerParameterTypes().Append(type.GetFunctionPointerReturnType()).Select(ManagedName)) + ">",
        _ when type == typeof(void) => "void",
        _ when type == typeof(nint) => "nint",
        _ when type == typeof(nuint) => "nuint",
        _ => Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.SByte => "sbyte",
            TypeCode.Int16 => "short",
            TypeCode.UInt16 => "ushort",
            TypeCode.Int32 when !type.IsEnum => "int",
            TypeCode.UInt32 when !type.IsEnum => "uint",
            TypeCode.Int64 when !type.IsEnum => "long",
            TypeCode.UInt64 when !type.IsEnum => "ulong",
            TypeCode.String => "string",
            _ => type.Name,
        },
    };

    private static string ManagedName(ParameterInfo parameter)
    {
        var name = ManagedName(parameter.ParameterType);
        if (parameter.ParameterType.IsByRef)
        {
            name = (parameter.IsOut ? "out" : parameter.IsIn ? "in" : "ref") + name[3..];
        }

        return MarshalAsOf(parameter) is { } marshalAs ? $"[MarshalAs({marshalAs.Value})] {name}" : name;
    }

    // MarshalAs is a pseudo-attribute (stored as field marshalling in metadata); reflection still returns it.
    private static MarshalAsAttribute? MarshalAsOf(ParameterInfo parameter) => parameter.GetCustomAttribute<MarshalAsAttribute>();
}
