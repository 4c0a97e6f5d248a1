using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.Activity;

/// <summary>
/// The <c>Activity</c> section: counting each client's tokens and failed authentications
/// (<c>Connect/ClientActivity</c>). What is counted is written on the last-used flush's timer
/// (<c>AuthClients:Credentials:LastUsedFlushInterval</c>).
/// </summary>
public sealed class ActivityOptions
{
    public const string Section = "Activity";

    /// <summary>Count tokens and failures per client. Default: true. Off, nothing is counted or written (the benchmark's baseline).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many of a client's latest failed authentications its Activity tab lists; older ones are deleted (their counts stay).</summary>
    [Range(1, 1000, ErrorMessage = "Activity:FailuresKept must be between {1} and {2}.")]
    public int FailuresKept { get; set; } = 100;
}
