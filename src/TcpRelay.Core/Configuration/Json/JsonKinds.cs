using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>Names JSON values in error messages: <c>found a string "9000"</c>.</summary>
internal static class JsonKinds
{
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {Shorten(value.GetRawText())}",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";
}
