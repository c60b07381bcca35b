using System.Text.Json;
using System.Text.Json.Serialization;

namespace RecServices.Core.Bundles;

/// <summary>The JSON settings of the manifest: camelCase, indented, enums as strings.</summary>
public static class BundleJson
{
    public static JsonSerializerOptions Options { get; } =
        new(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
}
