namespace AuthClients.Web.Hosting;

/// <summary>
/// The app's <see cref="TimeProvider"/> as a <see cref="Microsoft.Extensions.Caching.Memory.MemoryCache"/>'s
/// clock (MemoryCache predates TimeProvider), so every cache's entries expire on the same clock as
/// the tokens and timers they sit beside, a test's stopped or moved clock included.
/// </summary>
public sealed class CacheClock(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
{
    public DateTimeOffset UtcNow => clock.GetUtcNow();
}
