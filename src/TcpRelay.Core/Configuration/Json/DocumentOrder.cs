using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>
/// Puts errors in the order of the file, so an operator reads them top to bottom. An error at a
/// path the document does not have (a missing property) sorts with its nearest ancestor.
/// </summary>
internal sealed class DocumentOrder
{
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public DocumentOrder(JsonElement root) => Visit(root, JsonPath.Root);

    public IReadOnlyList<ConfigError> Sort(IEnumerable<ConfigError> errors) => [.. errors.OrderBy(Position)];

    private int Position(ConfigError error)
    {
        string path = error.Path;
        while (true)
        {
            if (_positions.TryGetValue(path, out int position))
            {
                return position;
            }

            int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return 0;
            }

            path = path[..cut];
        }
    }

    private void Visit(JsonElement element, string path)
    {
        // A repeated name keeps its first position: errors about it belong where it starts.
        _positions.TryAdd(path, _positions.Count);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                Visit(property.Value, JsonPath.Child(path, property.Name));
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                Visit(item, JsonPath.Index(path, index++));
            }
        }
    }
}
