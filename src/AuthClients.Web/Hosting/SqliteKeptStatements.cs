using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AuthClients.Web.Hosting;

/// <summary>
/// SQLite: the grant statements (the reads EF Core tagged with <see cref="PreparedGrantStatements.Tag"/>:
/// a code or refresh token, its user, and a client with its credentials when the client cache
/// misses) run on a few connections this keeps open, where each stays compiled after its first run.
/// Microsoft.Data.Sqlite keeps a compiled statement only with its command object, EF Core makes a
/// command for every execution, and closing a connection (EF Core does after every statement outside
/// a transaction) disposes its commands (dotnet/efcore#14044). So SQLite parsed and planned the
/// client read, a join of about 40 columns, on every cache miss: <c>sqlite3_prepare_v2</c> was
/// about a fifth of the app's CPU in a round robin over 100,000 clients (docs/performance.md,
/// fourteenth and seventeenth looks).
/// <para>
/// EF Core still builds the command, its parameters and the entities; only the execution moves to a
/// kept connection, and the reader hands the connection back when EF Core disposes it. A statement
/// runs as before inside a transaction (it must see the transaction's writes), and when every kept
/// connection is busy (no request waits for one). A file database only: an in-memory one is private
/// to its connection. The PostgreSQL counterpart prepares the same statements on the server
/// (<see cref="PreparedGrantStatements"/>); <c>OAuthServer:Performance:PrepareGrantStatements</c> turns both off.
/// </para>
/// <para>
/// The connection EF Core opens for a grant read (<see cref="GrantRead"/>) is left closed until the
/// statement is known to run on it: opening one of Microsoft.Data.Sqlite's pooled connections
/// registers EF Core's SQL functions on it and closing it removes them, about 4% of the CPU of a
/// round robin over 100,000 clients for a connection a kept read never used (eighteenth look).
/// </para>
/// </summary>
public sealed class SqliteKeptStatements(string connectionString) : DbCommandInterceptor, IDbConnectionInterceptor, IDisposable
{
    // At most this many kept connections: SQLite's reads run on the request's thread, so about one
    // per core is busy at a time; a statement that finds none free runs on EF Core's connection.
    private static readonly int MostConnections = Math.Max(2, Environment.ProcessorCount * 2);

    // A connection keeps at most this many statements: the tagged ones are a handful of fixed texts
    // per model, so this is only a bound should a tagged query ever vary its text.
    private const int MostStatementsPerConnection = 32;

    private readonly ConcurrentBag<KeptConnection> _idle = [];
    private readonly ConcurrentDictionary<KeptConnection, byte> _opened = [];
    private int _openedCount;
    private volatile bool _disposed;
    private long _runs;
    private long _compilations;

    /// <summary>Statements run on kept connections.</summary>
    internal long Runs => Interlocked.Read(ref _runs);

    /// <summary>Statements compiled on kept connections: one per text per connection, however often it runs.</summary>
    internal long Compilations => Interlocked.Read(ref _compilations);

    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        GrantRead.IsOpeningFor(eventData.Context) ? InterceptionResult.Suppress() : result;

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ConnectionOpening(connection, eventData, result));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (result.HasResult)
        {
            return result;
        }

        if (Execute(command) is { } reader)
        {
            return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
        }

        // EF Core's connection runs it after all (an untagged statement, one past the bound of texts,
        // or every kept connection busy): open it now if its opening was left. A query runs as a
        // reader, so no other kind of command meets a connection left closed. Opened here, not by EF
        // Core, the connection misses the interceptors of its opening: only SqliteSynchronousSetting,
        // which a read does not need (it governs commits), and which EF Core's next opening of the
        // same pooled connection applies.
        if (command.Connection is { State: ConnectionState.Closed } leftClosed)
        {
            leftClosed.Open();
        }

        return result;
    }

    // SQLite runs a statement synchronously either way (Microsoft.Data.Sqlite's async methods do too).
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public void Dispose()
    {
        _disposed = true;
        foreach (var connection in _opened.Keys)
        {
            connection.Dispose();
        }
    }

    private ReturningReader? Execute(DbCommand command)
    {
        if (command.Transaction is not null || !PreparedGrantStatements.IsTagged(command.CommandText) || Rent() is not { } connection)
        {
            return null;
        }

        try
        {
            if (connection.ExecuteReader(command, ref _compilations) is not { } kept)
            {
                Return(connection);
                return null;
            }

            Interlocked.Increment(ref _runs);
            return new ReturningReader(kept, () => Return(connection));
        }
        catch
        {
            Return(connection);
            throw;
        }
    }

    private KeptConnection? Rent()
    {
        if (_disposed)
        {
            return null;
        }

        if (_idle.TryTake(out var idle))
        {
            return idle;
        }

        if (Interlocked.Increment(ref _openedCount) > MostConnections)
        {
            Interlocked.Decrement(ref _openedCount);
            return null;
        }

        try
        {
            var opened = new KeptConnection(connectionString);
            _opened[opened] = 0;
            return opened;
        }
        catch
        {
            Interlocked.Decrement(ref _openedCount);
            throw;
        }
    }

    private void Return(KeptConnection connection)
    {
        if (_disposed || !connection.IsOpen)
        {
            connection.Dispose();
            _opened.TryRemove(connection, out _);
            Interlocked.Decrement(ref _openedCount);
            return;
        }

        _idle.Add(connection);
    }

    /// <summary>An open connection and the statements compiled on it, by their text; used by one request at a time.</summary>
    private sealed class KeptConnection(string connectionString) : IDisposable
    {
        private readonly SqliteConnection _connection = Opened(connectionString);
        private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

        public bool IsOpen => _connection.State == ConnectionState.Open;

        /// <summary>
        /// Runs <paramref name="template"/>'s text with its parameters, compiling the text on its first
        /// run here; null when this connection keeps as many texts as it may (EF Core's connection runs it).
        /// </summary>
        public SqliteDataReader? ExecuteReader(DbCommand template, ref long compilations)
        {
            if (!_statements.TryGetValue(template.CommandText, out var statement))
            {
                if (_statements.Count >= MostStatementsPerConnection)
                {
                    return null;
                }

                statement = _connection.CreateCommand();
                statement.CommandText = template.CommandText;
                try
                {
                    statement.Prepare();
                }
                catch
                {
                    statement.Dispose();
                    throw;
                }

                _statements.Add(template.CommandText, statement);
                Interlocked.Increment(ref compilations);
            }

            // EF Core's own parameter objects: a copy would have to know which of their properties
            // were set (an explicit Size of 0 cuts every value bound as text to nothing).
            statement.Parameters.Clear();
            foreach (SqliteParameter parameter in template.Parameters)
            {
                statement.Parameters.Add(parameter);
            }

            statement.CommandTimeout = template.CommandTimeout;
            return statement.ExecuteReader();
        }

        public void Dispose() => _connection.Dispose();

        private static SqliteConnection Opened(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            return connection;
        }
    }

    /// <summary>A kept connection's reader, as EF Core reads it; closing or disposing it hands the connection back.</summary>
    private sealed class ReturningReader(SqliteDataReader reader, Action handBack) : DelegatingDataReader(reader)
    {
        private int _handedBack;

        // DbDataReader's Dispose and DisposeAsync call Close.
        public override void Close()
        {
            if (Interlocked.Exchange(ref _handedBack, 1) == 0)
            {
                try
                {
                    Inner.Dispose();
                }
                finally
                {
                    handBack();
                }
            }
        }

        public override Task CloseAsync()
        {
            Close();
            return Task.CompletedTask;
        }
    }
}
