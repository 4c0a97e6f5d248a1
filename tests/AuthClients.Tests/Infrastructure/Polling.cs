namespace AuthClients.Tests.Infrastructure;

/// <summary>Waits for what the app does in the background: a flush, a cache's scan, another instance's change.</summary>
public static class Polling
{
    /// <summary>
    /// Asks <paramref name="condition"/> every <paramref name="interval"/> until it holds; fails with
    /// <paramref name="failure"/> when a question asked after <paramref name="bound"/> still gets no.
    /// A question asked before the bound that only answers after it (a slow request on a loaded
    /// machine) is asked again rather than failed: its no may describe a moment within the bound.
    /// </summary>
    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan bound, TimeSpan interval, string failure)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var asked = DateTime.UtcNow;
            if (await condition())
            {
                return;
            }

            Assert.True(asked < deadline, $"{failure} after {bound.TotalSeconds} s.");
            await Task.Delay(interval);
        }
    }
}
