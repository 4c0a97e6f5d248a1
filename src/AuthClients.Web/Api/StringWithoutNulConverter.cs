using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthClients.Web.Api;

/// <summary>
/// Reads the API's JSON strings, refusing a NUL (<c>\u0000</c>): no text column can store one
/// (PostgreSQL refuses it) and no field needs one. The refusal is a 400 validation problem, as for
/// any other JSON that cannot be read.
/// </summary>
internal sealed class StringWithoutNulConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return text?.Contains('\0', StringComparison.Ordinal) == true ? throw new JsonException("The text contains a NUL character.") : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
