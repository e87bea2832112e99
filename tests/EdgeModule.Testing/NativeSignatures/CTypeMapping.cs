using System.Runtime.InteropServices;

namespace EdgeModule.Tests.Shared.NativeSignatures;

/// <summary>Where a managed type stands: what the marshaller may do there.</summary>
internal enum Slot
{
    /// <summary>A LibraryImport parameter: SafeHandle, string, ref/out, arrays and MarshalAs are marshalled.</summary>
    Parameter,

    /// <summary>A LibraryImport return value.</summary>
    Return,

    /// <summary>What a pointer points to (<c>T*</c>'s T, <c>ref T</c>'s T): raw memory.</summary>
    Pointee,

    /// <summary>A struct field or a parameter or return of a function pointer: raw memory, nothing marshalled.</summary>
    Raw,
}

/// <summary>
/// Whether a managed type passes a C type correctly on both 32-bit (arm32, ILP32) and 64-bit (arm64, x64, LP64)
/// Linux. The rules: <c>size_t</c> is <see cref="nuint"/>, <c>long</c> is <see cref="nint"/> or <see cref="CLong"/>,
/// <c>int</c> stays <see cref="int"/>, fixed-width integers keep their width, pointers are <see cref="nint"/> or a
/// pointer type whose target maps too (so <c>size_t*</c> must be <c>nuint*</c>), opaque objects may also be a
/// <see cref="SafeHandle"/>, <c>char*</c> may be a UTF-8 marshalled string, and function pointers are
/// <see cref="nint"/> or <c>delegate* unmanaged</c> with mapping parameters.
/// </summary>
internal static class CTypeMapping
{
    private static readonly Dictionary<string, (Type[] Types, string Rule)> _scalars = BuildScalars();

    /// <summary>Null when <paramref name="managed"/> maps <paramref name="c"/> in <paramref name="slot"/>; otherwise why not.</summary>
    public static string? Mismatch(CType c, Type managed, Slot slot, MarshalAsAttribute? marshalAs = null, StringMarshalling strings = StringMarshalling.Custom)
    {
        if (managed.IsByRef)
        {
            return slot != Slot.Parameter ? "ref/out/in is only marshalled for a parameter"
                : c is CPointerType pointer ? Mismatch(pointer.Pointee, managed.GetElementType()!, Slot.Pointee)
                : $"ref/out/in passes a pointer, but C passes {c} by value";
        }

        return c switch
        {
            CNamedType { IsVoid: true } => slot is Slot.Return or Slot.Raw && managed == typeof(void) ? null : "C has void here",
            CNamedType named => MismatchNamed(named, managed, slot, marshalAs),
            CPointerType pointer => MismatchPointer(pointer, managed, slot, marshalAs, strings),
            CFunctionPointerType function => MismatchFunction(function, managed),
            _ => $"unknown C type {c}",
        };
    }

    /// <summary>True for the C types this mapping knows by value (integers, floating point, bool, enums).</summary>
    public static bool IsScalar(CNamedType c) => _scalars.ContainsKey(c.Name) || c.Name.StartsWith("enum ", StringComparison.Ordinal);

    private static string? MismatchNamed(CNamedType c, Type managed, Slot slot, MarshalAsAttribute? marshalAs)
    {
        var name = c.Name.StartsWith("enum ", StringComparison.Ordinal) ? "int" : c.Name;
        if (!_scalars.TryGetValue(name, out var scalar))
        {
            return slot == Slot.Pointee
                ? MismatchOpaqueTarget(managed)
                : $"{c} is passed by value but is not a C scalar this check knows: extend {nameof(CTypeMapping)}";
        }

        if (managed == typeof(bool))
        {
            return MismatchBool(name, slot, marshalAs);
        }

        var type = managed.IsEnum ? Enum.GetUnderlyingType(managed) : managed;
        return scalar.Types.Contains(type) ? null : scalar.Rule;
    }

    /// <summary>A managed bool is 1 byte in raw memory, and whatever MarshalAs says when marshalled.</summary>
    private static string? MismatchBool(string c, Slot slot, MarshalAsAttribute? marshalAs)
    {
        var oneByte = c is "bool" or "unsigned char" or "uint8_t" or "char" or "signed char" or "int8_t";
        if (slot is Slot.Pointee or Slot.Raw)
        {
            return oneByte ? null : $"a bool is one byte in memory, C {c} is not";
        }

        var size = marshalAs?.Value switch
        {
            UnmanagedType.U1 or UnmanagedType.I1 => 1,
            UnmanagedType.Bool => 4,
            _ => 0,
        };
        return (oneByte && size == 1) || (c == "int" && size == 4) ? null
            : oneByte ? $"C {c} is one byte: a bool needs [MarshalAs(UnmanagedType.U1)]"
            : $"C {c} is not a one-byte boolean: use {_scalars[c].Types[0].Name}";
    }

    private static string? MismatchPointer(CPointerType c, Type managed, Slot slot, MarshalAsAttribute? marshalAs, StringMarshalling strings)
    {
        if (managed == typeof(nint))
        {
            return null;
        }

        if (managed.IsPointer)
        {
            return c.Pointee is CNamedType { IsVoid: true } ? null : Mismatch(c.Pointee, managed.GetElementType()!, Slot.Pointee);
        }

        var marshalled = slot is Slot.Parameter or Slot.Return;
        if (managed == typeof(string) && slot == Slot.Return)
        {
            return "a string return value makes the marshaller free the C string: return nint and read it";
        }

        if (managed == typeof(string) && marshalled)
        {
            var utf8 = marshalAs is null ? strings == StringMarshalling.Utf8 : marshalAs.Value is UnmanagedType.LPUTF8Str;
            return c.Pointee is not CNamedType { Name: "char" } ? $"only a char* can be a string, not {c}"
                : utf8 ? null
                : "a string for a char* must be marshalled as UTF-8 (StringMarshalling.Utf8 or MarshalAs LPUTF8Str)";
        }

        if (managed.IsSubclassOf(typeof(SafeHandle)) && marshalled)
        {
            return c.Pointee is CNamedType target && (target.IsVoid || !IsScalar(target)) ? null
                : $"a SafeHandle stands for a pointer to an opaque object, not {c}";
        }

        if (slot == Slot.Parameter && (managed.IsArray || IsSpan(managed)))
        {
            var element = managed.IsArray ? managed.GetElementType()! : managed.GetGenericArguments()[0];
            return c.Pointee is CNamedType { IsVoid: true } ? null : Mismatch(c.Pointee, element, Slot.Pointee);
        }

        return $"C {c} is a pointer: use nint or a pointer type";
    }

    /// <summary>A pointer to an opaque struct or typedef: void*, nint* for pointer-to-pointer, or a struct of ours.</summary>
    private static string? MismatchOpaqueTarget(Type managed) =>
        managed == typeof(void) || (managed.IsValueType && !managed.IsPrimitive && !managed.IsEnum && !managed.IsPointer)
            ? null
            : $"an opaque C object is pointed to by void* or a struct pointer, not {managed.Name}*";

    private static string? MismatchFunction(CFunctionPointerType c, Type managed)
    {
        if (managed == typeof(nint))
        {
            return null;
        }

        if (!managed.IsFunctionPointer)
        {
            return typeof(Delegate).IsAssignableFrom(managed)
                ? "LibraryImport does not marshal delegates: use delegate* unmanaged or nint"
                : $"C {c} is a function pointer: use delegate* unmanaged or nint";
        }

        if (!managed.IsUnmanagedFunctionPointer)
        {
            return "a managed function pointer cannot be called from C: use delegate* unmanaged";
        }

        var parameters = managed.GetFunctionPointerParameterTypes();
        if (parameters.Length != c.Parameters.Count)
        {
            return $"the C callback takes {c.Parameters.Count} parameters, the function pointer {parameters.Length}";
        }

        var reasons = c.Parameters
            .Select((p, i) => Mismatch(p.Type, parameters[i], Slot.Raw) is { } reason ? $"callback parameter {i} ({p}): {reason}" : null)
            .Append(Mismatch(c.ReturnType, managed.GetFunctionPointerReturnType(), Slot.Raw) is { } r ? $"callback return: {r}" : null)
            .OfType<string>()
            .ToList();
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private static bool IsSpan(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Span<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>));

    private static Dictionary<string, (Type[] Types, string Rule)> BuildScalars()
    {
        var table = new Dictionary<string, (Type[] Types, string Rule)>(StringComparer.Ordinal);
        void Add(string[] names, Type[] types, string rule)
        {
            foreach (var name in names)
            {
                table[name] = (types, $"C {name} {rule}");
            }
        }

        Add(["char", "signed char", "int8_t"], [typeof(byte), typeof(sbyte)], "is one byte: use byte or sbyte");
        Add(["unsigned char", "uint8_t", "bool"], [typeof(byte)], "is one byte: use byte (or a bool marshalled as U1)");
        Add(["short", "int16_t"], [typeof(short)], "is 16 bits: use short");
        Add(["unsigned short", "uint16_t"], [typeof(ushort)], "is 16 bits: use ushort");
        Add(["int", "int32_t"], [typeof(int)], "is 32 bits on every target: use int");
        Add(["unsigned int", "uint32_t"], [typeof(uint)], "is 32 bits on every target: use uint");
        Add(["long", "ssize_t", "ptrdiff_t", "intptr_t"], [typeof(nint), typeof(CLong)], "is 32 bits on arm32 and 64 on arm64: use nint");
        Add(["unsigned long", "size_t", "uintptr_t"], [typeof(nuint), typeof(CULong)], "is 32 bits on arm32 and 64 on arm64: use nuint");
        Add(["long long", "int64_t"], [typeof(long)], "is 64 bits on every target: use long");
        Add(["unsigned long long", "uint64_t"], [typeof(ulong)], "is 64 bits on every target: use ulong");
        Add(["float"], [typeof(float)], "is float");
        Add(["double"], [typeof(double)], "is double");
        return table;
    }
}
