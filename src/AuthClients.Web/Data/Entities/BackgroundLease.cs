namespace AuthClients.Web.Data.Entities;

/// <summary>
/// Which instance may run a periodic job (e.g. audit retention) until when. Several instances share
/// one database; the one that takes or renews the lease runs the job, the others skip it.
/// </summary>
public sealed class BackgroundLease
{
    /// <summary>The job, e.g. <c>audit-retention</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The instance holding the lease (machine name and process id, plus a random part).</summary>
    public string Holder { get; set; } = "";

    public DateTime ExpiresAt { get; set; }

    /// <summary>When the job last finished a run, whoever ran it.</summary>
    public DateTime? LastRunAt { get; set; }
}
