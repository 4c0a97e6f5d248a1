using System.Collections.Concurrent;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Hosting;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// Each client's tokens and refused requests, counted in memory: recording a token is a dictionary
/// look-up and an interlocked add, never a database write, and allocates nothing once the client's
/// hour and grant type are counted in the current flush interval. <see cref="ClientUsageFlush"/> writes what was gathered on the
/// last-used timer (<c>AuthClients:Credentials:LastUsedFlushInterval</c>) and when the app stops.
/// <para>
/// Memory is bounded whatever callers send (random Client IDs included): at most
/// <see cref="MaxCountKeys"/> keys per table and <see cref="MaxFailures"/> individual failures
/// (<c>Activity:FailuresKept</c> per client) wait for a flush; the excess is dropped, and each flush
/// logs how much was. Token counts come from real clients only, and many of them can ask within one
/// flush interval (a round robin over 100,000 clients brings 2,000 new keys a second): once half the
/// cap is held, <see cref="Filling"/> asks for a flush before the interval ends, so none is dropped.
/// The same points feed <see cref="AuthClientsMetrics"/>, counting on or off.
/// </para>
/// </summary>
public sealed partial class ClientActivity(
    IHttpContextAccessor http,
    TimeProvider clock,
    IOptions<ActivityOptions> options,
    AuthClientsMetrics metrics,
    ILogger<ClientActivity> logger)
{
    /// <summary>Distinct (client, hour, grant type) keys, and as many (client, hour, reason) keys, held until a flush.</summary>
    public const int MaxCountKeys = 10_000;

    /// <summary>Individual failures held until a flush, all clients together.</summary>
    public const int MaxFailures = 10_000;

    /// <summary>What is counted per hour: the grant type of a token, the reason of a failure.</summary>
    public readonly record struct CountKey(string ClientId, DateTime Hour, string Name);

    /// <summary>One refused request, as its row will hold it.</summary>
    public sealed record Failure(string ClientId, DateTime At, string Reason, string? GrantType, string? From);

    /// <summary>What one flush writes; <see cref="Failures"/> are the newest per client, oldest first.</summary>
    public sealed record Batch(IReadOnlyDictionary<CountKey, long> Tokens, IReadOnlyDictionary<CountKey, long> FailureCounts, IReadOnlyList<Failure> Failures)
    {
        public bool IsEmpty => Tokens.Count == 0 && FailureCounts.Count == 0 && Failures.Count == 0;
    }

    private readonly bool _enabled = options.Value.Enabled;
    private readonly int _failuresKept = options.Value.FailuresKept;
    private readonly HourlyCounts _tokens = new(MaxCountKeys);
    private readonly HourlyCounts _failureCounts = new(MaxCountKeys);
    private TaskCompletionSource _filling = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Failures are rare next to tokens: a lock is simpler than a lock-free queue per client, and cheap.
    private readonly Lock _failuresLock = new();
    private Dictionary<string, Queue<Failure>> _failures = new(StringComparer.Ordinal);
    private int _failuresHeld;
    private long _failuresDropped;

    /// <summary>False with <c>Activity:Enabled=false</c>: nothing is counted (the metrics still are).</summary>
    public bool Enabled => _enabled;

    /// <summary>Token counts held from this many distinct (client, hour, grant type) keys on ask for an early flush.</summary>
    public const int FlushEarlyAt = MaxCountKeys / 2;

    /// <summary>Completes when the token counts reach <see cref="FlushEarlyAt"/> keys; a new one after each <see cref="TakeBatch"/>.</summary>
    public Task Filling => Volatile.Read(ref _filling).Task;

    /// <summary>Counts and failures not yet written.</summary>
    public int PendingCount
    {
        get
        {
            lock (_failuresLock)
            {
                return _tokens.Count + _failureCounts.Count + _failuresHeld;
            }
        }
    }

    /// <summary>A token response carrying a token, for the client (by Client ID) and the grant type it used.</summary>
    public void TokenIssued(string? clientId, string? grantType)
    {
        if (string.IsNullOrEmpty(grantType))
        {
            return;
        }

        metrics.TokenIssued(grantType);
        if (_enabled && !string.IsNullOrEmpty(clientId))
        {
            if (_tokens.Add(new CountKey(CallerText.Cut(clientId), Hour(clock.GetUtcNow().UtcDateTime), CallerText.Cut(grantType)), 1) >= FlushEarlyAt)
            {
                Volatile.Read(ref _filling).TrySetResult();
            }
        }
    }

    /// <summary>
    /// A refused client authentication or token request: counted for its hour, and kept with its time
    /// and the request's address (after the forwarded-headers middleware) for the client's Activity tab.
    /// </summary>
    /// <param name="clientId">The Client ID the caller named, known or not.</param>
    /// <param name="reason">One of <see cref="FailureReasons"/>.</param>
    /// <param name="grantType">The token request's grant type, or the endpoint (introspection, revocation, authorization).</param>
    public void AuthenticationFailed(string? clientId, string reason, string? grantType)
    {
        metrics.AuthenticationFailed(reason);
        if (!_enabled || string.IsNullOrEmpty(clientId))
        {
            return;
        }

        var id = CallerText.Cut(clientId);
        var now = clock.GetUtcNow().UtcDateTime;
        _failureCounts.Add(new CountKey(id, Hour(now), reason), 1);
        var failure = new Failure(id, now, reason, grantType is null ? null : CallerText.Cut(grantType), ClientUsage.AddressText(http.HttpContext?.Connection.RemoteIpAddress));
        lock (_failuresLock)
        {
            Keep(failure);
        }
    }

    /// <summary>Takes what was gathered so far, and logs what the caps dropped since the last batch.</summary>
    public Batch TakeBatch()
    {
        // Before the take: a key past the mark from here on completes the new signal, not the old.
        if (_filling.Task.IsCompleted)
        {
            Volatile.Write(ref _filling, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        var tokens = _tokens.Take(out var tokensDropped);
        var failureCounts = _failureCounts.Take(out var failureCountsDropped);
        List<Failure> failures;
        long failuresDropped;
        lock (_failuresLock)
        {
            failures = [.. _failures.Values.SelectMany(q => q)];
            _failures = new(StringComparer.Ordinal);
            _failuresHeld = 0;
            failuresDropped = _failuresDropped;
            _failuresDropped = 0;
        }

        if (tokensDropped + failureCountsDropped + failuresDropped > 0)
        {
            LogDropped(logger, tokensDropped, failureCountsDropped, failuresDropped, MaxCountKeys, MaxFailures);
        }

        return new Batch(tokens, failureCounts, failures);
    }

    /// <summary>Puts back a batch that could not be written: its counts are added to what came since, its failures kept under the same caps.</summary>
    public void Return(Batch batch)
    {
        foreach (var (key, count) in batch.Tokens)
        {
            _tokens.Add(key, count);
        }

        foreach (var (key, count) in batch.FailureCounts)
        {
            _failureCounts.Add(key, count);
        }

        lock (_failuresLock)
        {
            foreach (var returned in batch.Failures.GroupBy(f => f.ClientId, StringComparer.Ordinal))
            {
                // The returned failures are older than any recorded since: they go first, and the newest
                // stay, within FailuresKept for the client and MaxFailures in all.
                _failures.TryGetValue(returned.Key, out var newer);
                var held = newer?.Count ?? 0;
                var all = returned.Concat(newer ?? []).ToList();
                var room = Math.Min(_failuresKept, Math.Max(held, MaxFailures - _failuresHeld + held));
                var merged = new Queue<Failure>(all.TakeLast(room));
                _failuresDropped += Math.Min(all.Count, _failuresKept) - merged.Count;
                _failuresHeld += merged.Count - held;
                if (merged.Count > 0)
                {
                    _failures[returned.Key] = merged;
                }
            }
        }
    }

    /// <summary>The start of the UTC hour.</summary>
    public static DateTime Hour(DateTime utc) => new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);

    /// <summary>Adds a failure under the lock: the newest <c>FailuresKept</c> of each client, <see cref="MaxFailures"/> in all.</summary>
    private void Keep(Failure failure)
    {
        _failures.TryGetValue(failure.ClientId, out var kept);
        if (kept is not null && kept.Count >= _failuresKept)
        {
            // Takes the place of the client's oldest (the flush would delete its row anyway): the total does not grow.
            kept.Dequeue();
            kept.Enqueue(failure);
            return;
        }

        if (_failuresHeld >= MaxFailures)
        {
            _failuresDropped++;
            return;
        }

        if (kept is null)
        {
            kept = new Queue<Failure>();
            _failures[failure.ClientId] = kept;
        }

        kept.Enqueue(failure);
        _failuresHeld++;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity counting dropped {Tokens} token counts, {FailureCounts} failure counts and {Failures} failed authentications since the last flush: more than {MaxKeys} distinct clients and hours, or {MaxFailures} failures, came within one flush interval (random Client IDs?). Logged once per flush.")]
    private static partial void LogDropped(ILogger logger, long tokens, long failureCounts, long failures, int maxKeys, int maxFailures);

    /// <summary>
    /// Counts per key, lock-free: a counter object per key, added to with <see cref="Interlocked"/>.
    /// A flush takes every counter out (marking it retired as it reads its value), so each batch
    /// starts with no keys and the cap is per flush interval; a key's first count in an interval
    /// allocates its counter, later ones nothing. A recorder that finds its counter retired under it
    /// puts its count on a new one: nothing is lost or counted twice.
    /// </summary>
    private sealed class HourlyCounts(int maxKeys)
    {
        private const long Retired = long.MinValue / 2;

        private readonly ConcurrentDictionary<CountKey, Counter> _counts = new();
        private int _keys;
        private long _dropped;

        public int Count => Volatile.Read(ref _keys);

        /// <returns>How many keys are held once a key was added by this call; 0 when the key was held already.</returns>
        public int Add(CountKey key, long count)
        {
            while (true)
            {
                var added = 0;
                if (!_counts.TryGetValue(key, out var counter))
                {
                    added = Interlocked.Increment(ref _keys);
                    if (added > maxKeys)
                    {
                        Interlocked.Decrement(ref _keys);
                        Interlocked.Add(ref _dropped, count);
                        return 0;
                    }

                    counter = new Counter();
                    if (!_counts.TryAdd(key, counter))
                    {
                        Interlocked.Decrement(ref _keys); // another request added it first: use that one
                        continue;
                    }
                }

                if (Interlocked.Add(ref counter.Value, count) > 0)
                {
                    return added;
                }

                // Retired by a flush between the look-up and the add: out with it, and count again.
                if (_counts.TryRemove(KeyValuePair.Create(key, counter)))
                {
                    Interlocked.Decrement(ref _keys);
                }
            }
        }

        /// <summary>The counts gathered since the last call, and how many were dropped for the cap.</summary>
        public Dictionary<CountKey, long> Take(out long dropped)
        {
            var batch = new Dictionary<CountKey, long>();
            foreach (var (key, counter) in _counts)
            {
                var count = Interlocked.Exchange(ref counter.Value, Retired);
                if (_counts.TryRemove(KeyValuePair.Create(key, counter)))
                {
                    Interlocked.Decrement(ref _keys);
                }

                if (count > 0)
                {
                    batch[key] = count;
                }
            }

            dropped = Interlocked.Exchange(ref _dropped, 0);
            return batch;
        }

        private sealed class Counter
        {
            public long Value;
        }
    }
}
