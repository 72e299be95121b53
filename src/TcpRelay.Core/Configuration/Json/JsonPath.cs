namespace TcpRelay.Configuration.Json;

/// <summary>Builds the JSON paths that locate errors: <c>$.routes.erpnext.target.port</c>.</summary>
internal static class JsonPath
{
    public const string Root = "$";

    public static string Child(string parent, string name) =>
        IsPlain(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static bool IsWithin(string path, string ancestor) =>
        path.StartsWith(ancestor, StringComparison.Ordinal)
        && (path.Length == ancestor.Length || path[ancestor.Length] is '.' or '[');

    // Names that need no quoting: a letter or underscore, then letters, digits, underscores, dashes.
    private static bool IsPlain(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
