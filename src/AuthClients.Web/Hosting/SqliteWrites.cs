using System.Data.Common;
using System.Runtime.CompilerServices;
using AuthClients.Web.Connect;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace AuthClients.Web.Hosting;

/// <summary>
/// SQLite takes one writer at a time. Microsoft.Data.Sqlite answers a writer that finds the file
/// locked by sleeping 150 ms and trying again, so under concurrent token requests (each refresh or
/// code exchange writes) most of a request's time was spent asleep: p99 of 426 ms for 208 refreshes/s.
/// This queues this process's <c>SaveChanges</c> calls in memory instead (a <see cref="SemaphoreSlim"/>,
/// handed from one writer to the next as soon as it commits). A <c>SaveChanges</c> inside an
/// explicit transaction is not queued: that transaction already holds SQLite's lock, and waiting
/// here could wait for a writer that waits for it. Writes from other processes, and explicit
/// transactions and set-based updates here, still meet SQLite's own locking as before.
/// </summary>
public sealed class SqliteWriteQueue : SaveChangesInterceptor, IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    // SQLite's own wait for a locked file (Microsoft.Data.Sqlite's default command timeout). Past it
    // a writer goes ahead without its turn and meets SQLite's locking as it would without the queue,
    // so a turn never handed back (a way of ending SaveChanges no callback below sees) slows writes
    // but can never stop them.
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    // Whether a context's SaveChanges in progress holds the queue (a context saves one call at a time).
    private readonly ConditionalWeakTable<DbContext, StrongBox<bool>> _holding = [];

    public void Dispose() => _writer.Dispose();

    /// <summary>Runs a write that does not go through SaveChanges (a set-based update) in the same queue.</summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        var held = await _writer.WaitAsync(LongestWait, cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            if (held)
            {
                _writer.Release();
            }
        }
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (Queued(eventData.Context) is { } holding)
        {
            holding.Value = _writer.Wait(LongestWait);
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Queued(eventData.Context) is { } holding)
        {
            holding.Value = await _writer.WaitAsync(LongestWait, cancellationToken);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Release(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData.Context);

    // A concurrency failure (a row changed by another request since it was read: Identity's stamp)
    // ends SaveChanges without SaveChangesFailed, so the queue is released here, just before EF throws;
    // missing it left every later writer of the process waiting.
    public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>The context's holding flag when this call must queue; null inside an explicit transaction.</summary>
    private StrongBox<bool>? Queued(DbContext? context) =>
        context is null || context.Database.CurrentTransaction is not null ? null : _holding.GetOrCreateValue(context);

    private void Release(DbContext? context)
    {
        if (context is not null && _holding.TryGetValue(context, out var holding) && holding.Value)
        {
            holding.Value = false;
            _writer.Release();
        }
    }
}

/// <summary>
/// Sets <c>PRAGMA synchronous</c> on each SQLite connection the contexts open (it is a property of
/// the connection, not of the file, and Microsoft.Data.Sqlite's connection string has no key for it).
/// With the write-ahead log, <c>NORMAL</c> writes a commit to the log without waiting for the disk;
/// the log is synced at checkpoints. A crash of the app loses nothing; a power cut or a crash of
/// the operating system can lose the last commits, never the file's consistency.
/// Once per connection: Microsoft.Data.Sqlite pools its native connections and each keeps the
/// setting for its life, while EF Core opens one from the pool for every statement it runs outside
/// a transaction (three per refresh grant), and ran the pragma each time (docs/performance.md, twelfth look).
/// </summary>
public sealed class SqliteSynchronousSetting(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()};";

    // The native connections already set; an entry goes when the pool lets its connection go.
    private readonly ConditionalWeakTable<sqlite3, object> _set = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // The pragma only sets a field of the connection: no I/O, so no need to go asynchronous.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } native } sqlite || _set.TryGetValue(native, out _))
        {
            return;
        }

        using var command = sqlite.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
        _set.AddOrUpdate(native, _pragma);
    }
}
