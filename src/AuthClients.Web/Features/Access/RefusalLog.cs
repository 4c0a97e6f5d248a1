namespace AuthClients.Web.Features.Access;

/// <summary>
/// Log entries for refused changes: requests the pages never offer (escalation attempts, crafted
/// forms). The person sees a 403 page; the log says who tried what.
/// </summary>
internal static partial class RefusalLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused: user {ActorId} tried to {Attempt} on {TargetType} {TargetId}.")]
    public static partial void Refused(ILogger logger, string actorId, string attempt, string targetType, string targetId);
}
