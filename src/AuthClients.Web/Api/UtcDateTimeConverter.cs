using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthClients.Web.Api;

/// <summary>
/// Every time the app stores is UTC, but SQLite and SQL Server hand it back without a zone, and a
/// time written without one ("2026-12-01T00:00:00") is read as local time by JavaScript and most
/// clients. The API writes every time with its zone ("...Z"), on every database; a time sent
/// without an offset is read as UTC, as the documentation says.
/// </summary>
internal sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var time = reader.GetDateTime();
        return time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
