namespace AuthClients.Tests.Infrastructure;

/// <summary>Waits for what the app does in the background: a flush, a cache's scan, another instance's change.</summary>
public static class Polling
{
    /// <summary>Asks <paramref name="condition"/> every <paramref name="interval"/> until it holds; fails with <paramref name="failure"/> after <paramref name="bound"/>.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan bound, TimeSpan interval, string failure)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} after {bound.TotalSeconds} s.");
            await Task.Delay(interval);
        }
    }
}
