using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>axe-core run in the page as it stands (an open dialog included): the accessibility bar of every page.</summary>
public static class Accessibility
{
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    /// <summary>
    /// Fails with every serious or critical violation (rule, help text and the elements) on the page as
    /// it is now; <paramref name="what"/> names the page or dialog in the failure message.
    /// </summary>
    public static async Task AssertNoSeriousViolationsAsync(this IPage page, string what)
    {
        var result = await page.RunAxe();
        var blocking = result.Violations
            .Where(violation => BlockingImpacts.Contains(violation.Impact))
            .Select(Describe)
            .ToList();

        Assert.True(blocking.Count == 0, $"axe-core on {what} ({page.Url}):\n{string.Join("\n", blocking)}");
    }

    private static string Describe(AxeResultItem violation) =>
        $"- {violation.Impact} {violation.Id}: {violation.Help} at "
        + string.Join(", ", violation.Nodes.Select(node => node.Target?.ToString()));
}
