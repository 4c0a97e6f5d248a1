using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AuthClients.Web.Models;

public enum StatusKind { Success, Warning }

/// <summary>The one-time message shown after a POST-Redirect-GET, rendered by _StatusMessage.</summary>
public static class StatusMessage
{
    private const string TextKey = "StatusMessage";
    private const string KindKey = "StatusKind";

    public static void SetStatus(this ITempDataDictionary tempData, string message, StatusKind kind = StatusKind.Success)
    {
        tempData[TextKey] = message;
        tempData[KindKey] = kind.ToString();
    }

    public static (string Text, StatusKind Kind)? TakeStatus(this ITempDataDictionary tempData) =>
        tempData[TextKey] is string text
            ? (text, Enum.TryParse<StatusKind>(tempData[KindKey] as string, out var kind) ? kind : StatusKind.Success)
            : null;
}
