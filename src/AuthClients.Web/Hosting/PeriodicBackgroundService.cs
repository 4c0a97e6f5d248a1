namespace AuthClients.Web.Hosting;

/// <summary>
/// A background service that works on a <see cref="PeriodicTimer"/> over the app's clock, armed as
/// the host starts rather than when <see cref="BackgroundService.ExecuteAsync"/> runs. Since .NET 10
/// all of ExecuteAsync runs on a background thread, so a timer made there may be armed after the
/// clock has moved (a test's fake clock, advanced right after start-up), and its first tick then
/// comes an interval late: <c>AuditRetentionTests.Timer_PrunesAfterTheInterval</c> failed that way in CI.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider clock) : BackgroundService
{
    private PeriodicTimer? _timer;

    /// <summary>The app's clock, the timer's too.</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>Time between ticks, read once as the host starts.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>The timer, armed since the host started.</summary>
    protected PeriodicTimer Timer => _timer ?? throw new InvalidOperationException("The service has not been started.");

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(Period, Clock);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
