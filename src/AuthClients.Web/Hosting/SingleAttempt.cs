using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuthClients.Web.Hosting;

/// <summary>
/// An execution strategy that never retries, for work that cannot be repeated, such as a response
/// streamed as the rows arrive. While it runs it is EF Core's current strategy, and a query under a
/// strategy that does not retry is streamed, not read whole into memory first, as it is under the
/// app's retrying strategies (<see cref="DatabaseRetries"/>).
/// </summary>
public sealed class SingleAttempt(DbContext context) : ExecutionStrategy(context, maxRetryCount: 0, maxRetryDelay: TimeSpan.Zero)
{
    protected override bool ShouldRetryOn(Exception exception) => false;
}
