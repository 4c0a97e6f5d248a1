using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthClients.Tests.Shared;

/// <summary>One log call as a sink would write it.</summary>
public sealed record CapturedLogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines, ConcurrentQueue<CapturedLogEntry> entries) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines, entries);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines, ConcurrentQueue<CapturedLogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            entries.Enqueue(new CapturedLogEntry(logLevel, category, message, exception));
            lines.Enqueue($"{logLevel} {category}: {message} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                // Structured values too, in case a sink writes them without the message.
                lines.Enqueue(string.Join(" ", values.Select(v => $"{v.Key}={v.Value}")));
            }
        }
    }
}
