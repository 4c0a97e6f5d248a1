using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's server dispatcher (7.8's <c>OpenIddictServerDispatcher</c>, step for step: the same
/// handlers in the same order, each filter asked just before its handler runs, the same stops
/// and Debug lines), except that the handlers of an event are found once per event type instead of
/// on every event. OpenIddict walks its whole handler list (409 descriptors of 49 event types here)
/// for each of the dozen events of a token request and compares each one's event type: 5% of a
/// client-credentials token's CPU (perf, docs/performance.md). Resolving the handlers and asking
/// their filters is left as it was.
/// Off in the baseline (<see cref="TokenPerformanceOptions.EffectiveIndexServerHandlers"/>).
/// </summary>
public sealed partial class IndexedServerDispatcher(
    ILogger<OpenIddictServerDispatcher> logger,
    IOptionsMonitor<OpenIddictServerOptions> options,
    IServiceProvider provider,
    IndexedServerDispatcher.HandlerIndex index) : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var descriptor in index.For<TContext>(options.CurrentValue))
        {
            if (!await IsActiveAsync(descriptor, context))
            {
                continue;
            }

            var handler = HandlerOf<TContext>(descriptor);
            try
            {
                await handler.HandleAsync(context);
            }
            catch (Exception exception) when (logger.IsEnabled(LogLevel.Debug))
            {
                LogHandlerFailed(logger, exception, handler.GetType().FullName, typeof(TContext).FullName);
                throw;
            }

            LogProcessed(logger, typeof(TContext).FullName, handler.GetType().FullName);
            switch (context)
            {
                case BaseRequestContext { IsRequestHandled: true }:
                    LogHandled(logger, typeof(TContext).FullName, handler.GetType().FullName);
                    return;
                case BaseRequestContext { IsRequestSkipped: true }:
                    LogSkipped(logger, typeof(TContext).FullName, handler.GetType().FullName);
                    return;
                case BaseValidatingContext { IsRejected: true }:
                    LogRejected(logger, typeof(TContext).FullName, handler.GetType().FullName);
                    return;
            }
        }
    }

    // OpenIddict's own lines (its resources ID6132 to ID6136), with their event ids.
    [LoggerMessage(EventId = 6132, Level = LogLevel.Debug, Message = "An exception was thrown by {HandlerName} while handling the {EventName} event.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string? handlerName, string? eventName);

    [LoggerMessage(EventId = 6133, Level = LogLevel.Debug, Message = "The event {EventName} was successfully processed by {HandlerName}.")]
    private static partial void LogProcessed(ILogger logger, string? eventName, string? handlerName);

    [LoggerMessage(EventId = 6134, Level = LogLevel.Debug, Message = "The event {EventName} was marked as handled by {HandlerName}.")]
    private static partial void LogHandled(ILogger logger, string? eventName, string? handlerName);

    [LoggerMessage(EventId = 6135, Level = LogLevel.Debug, Message = "The event {EventName} was marked as skipped by {HandlerName}.")]
    private static partial void LogSkipped(ILogger logger, string? eventName, string? handlerName);

    [LoggerMessage(EventId = 6136, Level = LogLevel.Debug, Message = "The event {EventName} was marked as rejected by {HandlerName}.")]
    private static partial void LogRejected(ILogger logger, string? eventName, string? handlerName);

    private async ValueTask<bool> IsActiveAsync<TContext>(OpenIddictServerHandlerDescriptor descriptor, TContext context) where TContext : BaseContext
    {
        foreach (var filterType in descriptor.FilterTypes)
        {
            if (provider.GetService(filterType) is not IOpenIddictServerHandlerFilter<TContext> filter)
            {
                throw new InvalidOperationException(OpenIddictResources.FormatID0099(filterType));
            }

            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }

        return true;
    }

    private IOpenIddictServerHandler<TContext> HandlerOf<TContext>(OpenIddictServerHandlerDescriptor descriptor) where TContext : BaseContext =>
        descriptor.ServiceDescriptor.ImplementationInstance as IOpenIddictServerHandler<TContext>
        ?? provider.GetService(descriptor.ServiceDescriptor.ServiceType) as IOpenIddictServerHandler<TContext>
        ?? throw new InvalidOperationException(OpenIddictResources.FormatID0098(descriptor.ServiceDescriptor.ServiceType));

    /// <summary>
    /// The handler descriptors of each event type, in OpenIddict's order (its list is sorted when its
    /// options are built), for the options instance they were read from: options built anew (a
    /// reload) are indexed anew. One per app.
    /// </summary>
    public sealed class HandlerIndex
    {
        private sealed record Snapshot(OpenIddictServerOptions Options, ConcurrentDictionary<Type, OpenIddictServerHandlerDescriptor[]> ByContext);

        private Snapshot? _snapshot;

        public OpenIddictServerHandlerDescriptor[] For<TContext>(OpenIddictServerOptions current)
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (snapshot is null || !ReferenceEquals(snapshot.Options, current))
            {
                snapshot = new Snapshot(current, new());
                Volatile.Write(ref _snapshot, snapshot);
            }

            return snapshot.ByContext.GetOrAdd(typeof(TContext), static (type, handlers) =>
                [.. handlers.Where(d => d.ContextType == type)], current.Handlers);
        }
    }
}
