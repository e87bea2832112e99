using System.Text;
using System.Text.RegularExpressions;

namespace EdgeModule.Tests.Shared.NativeSignatures;

/// <summary>
/// Reads the function prototypes of a C header, enough for the binding checks: it is not a C compiler. It takes the
/// declarations that follow an export macro (<c>extern ROCKSDB_LIBRARY_API …;</c>, <c>libmosq_EXPORT …;</c>) after
/// removing comments and preprocessor lines, and understands multi-line prototypes, qualifiers, pointers to
/// pointers, array parameters, <c>(void)</c> and function-pointer parameters. Anything else it does not understand
/// (varargs, a function returning a function pointer, macros inside a prototype) throws <see cref="FormatException"/>
/// naming the declaration, so a header change can never make a check pass by being skipped.
/// </summary>
internal static partial class CHeaderParser
{
    private static readonly HashSet<string> _qualifiers = ["const", "volatile", "restrict", "__restrict", "register", "extern"];

    private static readonly HashSet<string> _keywords =
        ["void", "char", "short", "int", "long", "signed", "unsigned", "float", "double", "bool", "_Bool", "struct", "enum", "union"];

    private static readonly Dictionary<string, string> _spellings = new(StringComparer.Ordinal)
    {
        ["unsigned"] = "unsigned int",
        ["signed"] = "int",
        ["signed int"] = "int",
        ["short int"] = "short",
        ["signed short"] = "short",
        ["unsigned short int"] = "unsigned short",
        ["long int"] = "long",
        ["signed long"] = "long",
        ["unsigned long int"] = "unsigned long",
        ["long long int"] = "long long",
        ["signed long long"] = "long long",
        ["unsigned long long int"] = "unsigned long long",
        ["_Bool"] = "bool",
    };

    /// <summary>Every prototype that follows <paramref name="exportMacro"/>, in header order.</summary>
    public static IReadOnlyList<CFunction> ParseHeader(string text, string exportMacro)
    {
        var code = StripCommentsAndDirectives(text);
        var functions = new List<CFunction>();
        foreach (Match match in Regex.Matches(code, $@"\b{Regex.Escape(exportMacro)}\b"))
        {
            var end = code.IndexOf(';', match.Index);
            if (end < 0)
            {
                throw new FormatException($"A declaration after {exportMacro} at offset {match.Index} has no ';'.");
            }

            functions.Add(ParsePrototype(code[(match.Index + match.Length)..end]));
        }

        return functions;
    }

    /// <summary>One prototype: <c>[extern] ret name(params)[;]</c>.</summary>
    public static CFunction ParsePrototype(string declaration)
    {
        var text = Collapse(declaration).TrimEnd(';', ' ');
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            throw Error(text, "no parameter list");
        }

        var close = MatchingParen(text, open);
        if (close != text.Length - 1)
        {
            throw Error(text, "unexpected text after the parameter list (a function returning a function pointer?)");
        }

        var head = IdentifierAtEnd().Match(text[..open]);
        if (!head.Success || head.Index == 0)
        {
            throw Error(text, "no return type and name before the parameter list");
        }

        var returnType = ParseType(text[..head.Index], text);
        return new CFunction(head.Value.Trim(), returnType, ParseParameterList(text[(open + 1)..close]));
    }

    /// <summary>The fields of <c>struct name { … };</c>, in order.</summary>
    public static IReadOnlyList<CParameter> ParseStruct(string text, string structName)
    {
        var code = StripCommentsAndDirectives(text);
        var match = Regex.Match(code, $@"\bstruct\s+{Regex.Escape(structName)}\s*\{{");
        if (!match.Success)
        {
            throw new FormatException($"No definition of struct {structName}.");
        }

        var end = code.IndexOf('}', match.Index);
        var body = code[(match.Index + match.Length)..end];
        return body.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(field => ParseDeclaration(field, isField: true))
            .ToList();
    }

    /// <summary>
    /// Comments become a space (newlines kept), string and character literals blanks, and preprocessor lines,
    /// continuations included, empty lines.
    /// </summary>
    internal static string StripCommentsAndDirectives(string text)
    {
        var code = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                code.Append(' ').Append('\n', text.AsSpan(i, end - i).Count('\n'));
                i = end - 1;
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i + 1 < text.Length && text[i + 1] != '\n')
                {
                    i++;
                }
            }
            else if (text[i] is '"' or '\'')
            {
                var quote = text[i];
                code.Append(quote);
                while (++i < text.Length && text[i] != quote && text[i] != '\n')
                {
                    // Blank the literal's content: "API int f(void);" in a string is no declaration.
                    code.Append(' ');
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                        code.Append(' ');
                    }
                }

                code.Append(i < text.Length ? text[i] : quote);
            }
            else
            {
                code.Append(text[i]);
            }
        }

        var lines = code.ToString().Split('\n');
        var continued = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var directive = continued || lines[i].TrimStart().StartsWith('#');
            continued = directive && lines[i].TrimEnd().EndsWith('\\');
            if (directive)
            {
                lines[i] = string.Empty;
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>A parameter declaration: <c>const char* const* names</c>, <c>size_t</c>, <c>int (*cb)(void*, int)</c>.</summary>
    internal static CParameter ParseParameter(string text) => ParseDeclaration(text, isField: false);

    private static IReadOnlyList<CParameter> ParseParameterList(string text)
    {
        var trimmed = Collapse(text);
        if (trimmed.Length == 0 || trimmed == "void")
        {
            return [];
        }

        var parameters = new List<CParameter>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= trimmed.Length; i++)
        {
            if (i == trimmed.Length || (trimmed[i] == ',' && depth == 0))
            {
                parameters.Add(ParseParameter(trimmed[start..i]));
                start = i + 1;
            }
            else if (trimmed[i] is '(' or '[')
            {
                depth++;
            }
            else if (trimmed[i] is ')' or ']')
            {
                depth--;
            }
        }

        return parameters;
    }

    private static CParameter ParseDeclaration(string declaration, bool isField)
    {
        var text = Collapse(declaration);
        if (text.Contains("...", StringComparison.Ordinal))
        {
            throw Error(text, "varargs are not supported");
        }

        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            return ParseFunctionPointer(text, open);
        }

        var arrays = 0;
        while (text.EndsWith(']'))
        {
            if (isField)
            {
                throw Error(text, "inline array fields are not supported");
            }

            text = text[..text.LastIndexOf('[')].TrimEnd();
            arrays++;
        }

        var (type, name) = ParseTypeAndName(text, declaration);
        for (var i = 0; i < arrays; i++)
        {
            type = new CPointerType(type);
        }

        if (isField && name is null)
        {
            throw Error(text, "a field without a name");
        }

        return new CParameter(type, name);
    }

    /// <summary><c>ret (*name)(params)</c>, also <c>ret (**name)(params)</c> and without a name.</summary>
    private static CParameter ParseFunctionPointer(string text, int open)
    {
        var close = MatchingParen(text, open);
        var inner = Tokens(text[(open + 1)..close], text).Where(t => !_qualifiers.Contains(t)).ToList();
        var stars = inner.TakeWhile(t => t == "*").Count();
        var rest = inner.Skip(stars).ToList();
        var after = text[(close + 1)..].Trim();
        if (stars == 0 || rest.Count > 1 || (rest.Count == 1 && !IsIdentifier(rest[0])) || !after.StartsWith('(')
            || MatchingParen(after, 0) != after.Length - 1)
        {
            throw Error(text, "expected a function pointer 'ret (*name)(params)'");
        }

        CType type = new CFunctionPointerType(ParseType(text[..open], text), ParseParameterList(after[1..^1]));
        for (var i = 1; i < stars; i++)
        {
            type = new CPointerType(type);
        }

        return new CParameter(type, rest.Count == 1 ? rest[0] : null);
    }

    private static CType ParseType(string text, string context)
    {
        var (type, name) = ParseTypeAndName(text, context);
        return name is null ? type : throw Error(context, $"unexpected '{name}' in the type '{Collapse(text)}'");
    }

    private static (CType Type, string? Name) ParseTypeAndName(string text, string context)
    {
        var tokens = Tokens(text, context).Where(t => !_qualifiers.Contains(t)).ToList();
        string? name = null;
        if (tokens.Count > 1 && IsIdentifier(tokens[^1]) && !_keywords.Contains(tokens[^1])
            && tokens.Take(tokens.Count - 1).Any(t => t is not ("struct" or "enum" or "union" or "*")))
        {
            name = tokens[^1];
            tokens.RemoveAt(tokens.Count - 1);
        }

        var baseTokens = tokens.TakeWhile(t => t != "*").ToList();
        var stars = tokens.Count - baseTokens.Count;
        if (baseTokens.Count == 0 || tokens.Skip(baseTokens.Count).Any(t => t != "*"))
        {
            throw Error(context, $"cannot read the type '{Collapse(text)}'");
        }

        var spelled = string.Join(' ', baseTokens);
        CType type = new CNamedType(_spellings.GetValueOrDefault(spelled, spelled));
        for (var i = 0; i < stars; i++)
        {
            type = new CPointerType(type);
        }

        return (type, name);
    }

    private static List<string> Tokens(string text, string context)
    {
        var tokens = new List<string>();
        foreach (Match match in Token().Matches(text))
        {
            if (!match.Groups["ok"].Success)
            {
                throw Error(context, $"unexpected '{match.Value}'");
            }

            tokens.Add(match.Value);
        }

        return tokens;
    }

    private static int MatchingParen(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return i;
            }
        }

        throw Error(text, "unbalanced parentheses");
    }

    private static bool IsIdentifier(string token) => char.IsLetter(token[0]) || token[0] == '_';

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    private static FormatException Error(string declaration, string reason) =>
        new($"Cannot read the C declaration '{Collapse(declaration)}': {reason}.");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[A-Za-z_]\w*\s*$")]
    private static partial Regex IdentifierAtEnd();

    [GeneratedRegex(@"(?<ok>[A-Za-z_]\w*|\*)|\S")]
    private static partial Regex Token();
}
