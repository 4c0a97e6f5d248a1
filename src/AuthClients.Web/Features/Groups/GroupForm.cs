using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.Groups;

/// <summary>What an administrator posts to create or edit a group. Nothing else is bound.</summary>
public sealed class GroupForm
{
    [Display(Name = "Name")]
    [Required(ErrorMessage = "The Name field is required.")]
    [StringLength(255, ErrorMessage = "The Name may not be greater than 255 characters.")]
    public string? Name { get; set; }

    [Display(Name = "Description")]
    [StringLength(1000, ErrorMessage = "The Description may not be greater than 1000 characters.")]
    public string? Description { get; set; }

    /// <summary>The version of the group the editor opened; a save against a newer one is refused.</summary>
    public string? ConcurrencyStamp { get; set; }
}
