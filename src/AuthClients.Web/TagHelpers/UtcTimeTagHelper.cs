using System.Globalization;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AuthClients.Web.TagHelpers;

/// <summary>
/// <c>&lt;time utc="@when"&gt;</c>: the machine-readable <c>datetime</c> of a time the app keeps in UTC,
/// written with its <c>Z</c>. The database hands times back without their kind (SQLite) or as UTC
/// (PostgreSQL), so <c>ToString("O")</c> wrote the same instant as local time on one and UTC on the
/// other; a browser or screen reader reading the attribute then shifts it by the reader's time zone.
/// </summary>
[HtmlTargetElement("time", Attributes = "utc")]
public sealed class UtcTimeTagHelper : TagHelper
{
    /// <summary>The time, in UTC, whatever its <see cref="DateTime.Kind"/> says.</summary>
    public DateTime Utc { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output) =>
        output.Attributes.SetAttribute("datetime", Utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
