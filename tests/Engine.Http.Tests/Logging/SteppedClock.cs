namespace Engine.Http.Tests.Logging;

/// <summary>A clock that moves only when told.</summary>
internal sealed class SteppedClock : TimeProvider
{
    private long _timestamp = 1_000 * TimeSpan.TicksPerSecond;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _timestamp, by.Ticks);
}
