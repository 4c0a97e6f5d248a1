namespace AuthClients.Tests.Shared;

/// <summary>A clock running ahead of the real one by <paramref name="shift"/>: an instance of the app that is later than now.</summary>
public sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
}
