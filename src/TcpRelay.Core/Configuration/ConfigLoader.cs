using System.Text;
using System.Text.Json;
using TcpRelay.Configuration.Json;

namespace TcpRelay.Configuration;

/// <summary>
/// Reads relay.json into a validated <see cref="RelayConfig"/>. Every problem is collected
/// (syntax, shape, unknown or repeated properties, ranges, conflicts between routes) and thrown
/// together in one <see cref="ConfigException"/>.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Operators annotate configuration files; comments and trailing commas cost nothing.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 32,
    };

    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file is missing, unreadable or not a valid configuration.</exception>
    public static RelayConfig Load(string path)
    {
        byte[] utf8;
        try
        {
            utf8 = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, [new ConfigError(JsonPath.Root, $"cannot read the file: {e.Message}")]);
        }

        return Parse(utf8, path);
    }

    /// <summary>Parses and validates relay.json text.</summary>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static RelayConfig Parse(string json, string origin = "relay.json") =>
        Parse(Encoding.UTF8.GetBytes(json), origin);

    /// <summary>Parses and validates relay.json as UTF-8 bytes.</summary>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static RelayConfig Parse(ReadOnlyMemory<byte> utf8, string origin = "relay.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ConfigException(origin, [SyntaxError(e)]);
        }

        using (document)
        {
            var errors = new ConfigErrorCollector();
            RelayConfig config = RelayConfigReader.Read(document.RootElement, errors);
            foreach (ConfigError error in ConfigValidator.Validate(config))
            {
                errors.AddUnlessFailed(error);
            }

            return errors.Errors.Count == 0
                ? config
                : throw new ConfigException(origin, new DocumentOrder(document.RootElement).Sort(errors.Errors));
        }
    }

    private static ConfigError SyntaxError(JsonException e)
    {
        // The reader's message ends with its own position suffix; ours is in Line and Column.
        string message = e.Message;
        int suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix > 0)
        {
            message = message[..suffix];
        }

        return new ConfigError(JsonPath.Root, $"JSON syntax error: {message.TrimEnd('.', ' ')}")
        {
            Line = (int)(e.LineNumber ?? 0) + 1,
            Column = (int)(e.BytePositionInLine ?? 0) + 1,
        };
    }
}
