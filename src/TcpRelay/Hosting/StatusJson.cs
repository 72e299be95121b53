using System.Text.Json.Serialization;

namespace TcpRelay.Hosting;

/// <summary>The status protocol's JSON: camelCase, indented for people who read <c>--json</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJson : JsonSerializerContext;
