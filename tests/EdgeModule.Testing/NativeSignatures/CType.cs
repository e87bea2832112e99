namespace EdgeModule.Tests.Shared.NativeSignatures;

/// <summary>
/// A C type as a binding needs it: qualifiers (<c>const</c>, <c>volatile</c>) are dropped because they do not change
/// the ABI, and <c>T x[]</c> parameters are pointers. <see cref="ToString"/> renders the canonical C spelling used in
/// failure messages and parser tests (<c>char**</c>, <c>void (*)(struct mosquitto*, int)</c>).
/// </summary>
internal abstract record CType
{
    public static readonly CNamedType Void = new("void");
}

/// <summary>A type by name: a C scalar (<c>unsigned int</c>, <c>size_t</c>), <c>struct x</c>, <c>enum x</c> or a typedef.</summary>
internal sealed record CNamedType(string Name) : CType
{
    public bool IsVoid => Name == "void";

    public override string ToString() => Name;
}

internal sealed record CPointerType(CType Pointee) : CType
{
    public override string ToString() => $"{Pointee}*";
}

/// <summary>A pointer to a function: <c>ret (*name)(params)</c>.</summary>
internal sealed record CFunctionPointerType(CType ReturnType, IReadOnlyList<CParameter> Parameters) : CType
{
    public bool Equals(CFunctionPointerType? other) =>
        other is not null && ReturnType.Equals(other.ReturnType) && Parameters.SequenceEqual(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(ReturnType, Parameters.Count);

    public override string ToString() => $"{ReturnType} (*)({string.Join(", ", Parameters.Select(p => p.Type))})";
}

/// <summary>A parameter or struct field; <see cref="Name"/> is null when the prototype leaves it out.</summary>
internal sealed record CParameter(CType Type, string? Name)
{
    public override string ToString() => Name is null ? Type.ToString() : $"{Type} {Name}";
}

/// <summary>One function prototype of a header.</summary>
internal sealed record CFunction(string Name, CType ReturnType, IReadOnlyList<CParameter> Parameters)
{
    public bool Equals(CFunction? other) =>
        other is not null && Name == other.Name && ReturnType.Equals(other.ReturnType) && Parameters.SequenceEqual(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(Name, ReturnType, Parameters.Count);

    public override string ToString() => $"{ReturnType} {Name}({string.Join(", ", Parameters)})";
}
