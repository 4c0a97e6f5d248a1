using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace AuthClients.Web.TagHelpers;

/// <summary>
/// Ties a field to its error message for screen readers: a field whose value was refused gets
/// <c>aria-invalid="true"</c> and its message (the <c>asp-validation-for</c> element, given the id
/// <c>{field id}-error</c> by <see cref="FieldErrorMessageTagHelper"/>) in its <c>aria-describedby</c>,
/// after any help text already named there. Every <c>asp-for</c> field of every form gets this.
/// </summary>
[HtmlTargetElement("input", Attributes = ForAttribute)]
[HtmlTargetElement("select", Attributes = ForAttribute)]
[HtmlTargetElement("textarea", Attributes = ForAttribute)]
public sealed class FieldErrorTagHelper : TagHelper
{
    private const string ForAttribute = "asp-for";

    // After MVC's own input/select/textarea tag helpers, which write the id.
    public override int Order => 1000;

    [HtmlAttributeName(ForAttribute)]
    public ModelExpression For { get; set; } = default!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);
        if (!ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) || entry.Errors.Count == 0)
        {
            return;
        }

        var id = output.Attributes.TryGetAttribute("id", out var idAttribute)
            ? idAttribute.Value?.ToString() ?? FieldErrorMessageTagHelper.IdOf(name)
            : FieldErrorMessageTagHelper.IdOf(name);
        var describedBy = output.Attributes.TryGetAttribute("aria-describedby", out var existing)
            ? $"{existing.Value} {id}-error"
            : $"{id}-error";
        output.Attributes.SetAttribute("aria-describedby", describedBy);
        output.Attributes.SetAttribute("aria-invalid", "true");
    }
}

/// <summary>Gives a field's error message (<c>asp-validation-for</c>) the id its field points to.</summary>
[HtmlTargetElement("span", Attributes = ForAttribute)]
[HtmlTargetElement("div", Attributes = ForAttribute)]
public sealed class FieldErrorMessageTagHelper : TagHelper
{
    private const string ForAttribute = "asp-validation-for";

    [HtmlAttributeName(ForAttribute)]
    public ModelExpression For { get; set; } = default!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    /// <summary>The id MVC gives the field named <paramref name="fullName"/>.</summary>
    public static string IdOf(string fullName) => TagBuilder.CreateSanitizedId(fullName, "_");

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!output.Attributes.ContainsName("id"))
        {
            output.Attributes.SetAttribute("id", IdOf(ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name)) + "-error");
        }
    }
}
