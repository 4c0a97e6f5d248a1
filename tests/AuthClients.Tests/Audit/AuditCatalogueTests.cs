using System.Reflection;
using System.Text.RegularExpressions;
using AuthClients.Web.Features.Audit;

namespace AuthClients.Tests.Audit;

/// <summary>
/// Every action the app audits is in the catalogue: there it gets its words on the Audit Log, its
/// family in the "Kind of event" filter, and its place among the dashboard's recent changes (read
/// as the catalogue's change actions). An action missing from it would show as its raw name and
/// never be a recent change.
/// </summary>
public sealed partial class AuditCatalogueTests
{
    [Fact]
    public void EveryAuditedActionTheAppNames_IsInTheCatalogue()
    {
        var named = typeof(AuditCatalogue).Assembly.GetTypes()
            .Where(t => t.Name.Contains("Audit", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(value => ActionName().IsMatch(value))
            .Distinct()
            .ToList();

        Assert.True(named.Count >= 25, $"Only {named.Count} audited actions found: the search is wrong.");
        Assert.Equal([], named.Where(action => !AuditCatalogue.IsKnownAction(action)));
    }

    [GeneratedRegex("^[a-z-]+\\.[a-z-]+$")]
    private static partial Regex ActionName();
}
