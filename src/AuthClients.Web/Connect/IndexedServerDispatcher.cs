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
/// on every event, with their singleton filters and handlers already resolved. OpenIddict walks its
/// whole handler list (409 descriptors of 49 event types here) for each of the dozen events of a
/// token request and compares each one's event type: 5% of a client-credentials token's CPU; then,
/// for each of the hundred or so handlers a request runs, it asks the request's container for the
/// handler and each filter and casts them to their contravariant interfaces: another 5 to 8% (perf,
/// docs/performance.md). Scoped and transient handlers and filters are still resolved per request.
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
        var debug = logger.IsEnabled(LogLevel.Debug); // the names the Debug lines carry cost a call each
        foreach (var step in index.For<TContext>(options.CurrentValue))
        {
            var active = IsActiveAsync(step, context);
            if (!(active.IsCompletedSuccessfully ? active.Result : await active))
            {
                continue;
            }

            var handler = step.Handler ?? Resolve<IOpenIddictServerHandler<TContext>>(step.Descriptor.ServiceDescriptor.ServiceType, OpenIddictResources.FormatID0098);
            try
            {
                await handler.HandleAsync(context);
            }
            catch (Exception exception) when (debug)
            {
                LogHandlerFailed(logger, exception, handler.GetType().FullName, typeof(TContext).FullName);
                throw;
            }

            if (debug)
            {
                LogProcessed(logger, typeof(TContext).FullName, handler.GetType().FullName);
            }

            // A request that this handler handled, skipped or rejected goes no further.
            Action<ILogger, string?, string?>? ended = context is not BaseRequestContext request ? null
                : request.IsRequestHandled ? LogHandled
                : request.IsRequestSkipped ? LogSkipped
                : request is BaseValidatingContext { IsRejected: true } ? LogRejected
                : null;
            if (ended is not null)
            {
                if (debug)
                {
                    ended(logger, typeof(TContext).FullName, handler.GetType().FullName);
                }

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

    /// <summary>Asks the step's filters in order; without a state machine while each answers at once, as OpenIddict's do.</summary>
    private ValueTask<bool> IsActiveAsync<TContext>(HandlerStep<TContext> step, TContext context) where TContext : BaseContext
    {
        for (var i = 0; i < step.Filters.Length; i++)
        {
            var answer = FilterAt(step, i).IsActiveAsync(context);
            if (!answer.IsCompletedSuccessfully)
            {
                return RestAsync(step, context, answer, i);
            }

            if (!answer.Result)
            {
                return ValueTask.FromResult(false);
            }
        }

        return ValueTask.FromResult(true);

        // Given what it needs rather than capturing it: a captured step and context would cost a
        // closure on every call, awaited or not (a few percent of a grant's allocations).
        async ValueTask<bool> RestAsync(HandlerStep<TContext> step, TContext context, ValueTask<bool> pending, int at)
        {
            if (!await pending)
            {
                return false;
            }

            for (var i = at + 1; i < step.Filters.Length; i++)
            {
                if (!await FilterAt(step, i).IsActiveAsync(context))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private IOpenIddictServerHandlerFilter<TContext> FilterAt<TContext>(HandlerStep<TContext> step, int i) where TContext : BaseContext =>
        step.Filters[i] ?? Resolve<IOpenIddictServerHandlerFilter<TContext>>(step.Descriptor.FilterTypes[i], OpenIddictResources.FormatID0099);

    private T Resolve<T>(Type type, Func<object?, string> missing) where T : class =>
        provider.GetService(type) as T ?? throw new InvalidOperationException(missing(type));

    /// <summary>
    /// A handler of one event type with its filters: the instances that are the same for every
    /// request (inline handlers, singletons), or null where the request's container must be asked.
    /// </summary>
    public sealed record HandlerStep<TContext>(
        OpenIddictServerHandlerDescriptor Descriptor,
        IOpenIddictServerHandler<TContext>? Handler,
        IOpenIddictServerHandlerFilter<TContext>?[] Filters) where TContext : BaseContext;

    /// <summary>
    /// The steps of each event type, in OpenIddict's order (its list is sorted when its options are
    /// built), for the options instance they were read from: options built anew (a reload) are
    /// indexed anew. One per app. A service's lifetime is read from the registrations (the last one
    /// of its type is the one the container gives out); a singleton is taken from the app's root
    /// container, which gives every scope that same instance.
    /// </summary>
    public sealed class HandlerIndex(IServiceProvider root, IEnumerable<ServiceDescriptor> registrations)
    {
        private sealed record Snapshot(OpenIddictServerOptions Options, ConcurrentDictionary<Type, object> ByContext);

        private readonly Lazy<HashSet<Type>> _singletons = new(() =>
        [
            .. registrations.Where(r => !r.IsKeyedService).GroupBy(r => r.ServiceType)
                .Where(g => g.Last().Lifetime == ServiceLifetime.Singleton).Select(g => g.Key),
        ]);

        private Snapshot? _snapshot;

        public HandlerStep<TContext>[] For<TContext>(OpenIddictServerOptions current) where TContext : BaseContext
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (snapshot is null || !ReferenceEquals(snapshot.Options, current))
            {
                snapshot = new Snapshot(current, new());
                Volatile.Write(ref _snapshot, snapshot);
            }

            return (HandlerStep<TContext>[])snapshot.ByContext.GetOrAdd(typeof(TContext), static (type, state) =>
                state.Index.StepsOf<TContext>(state.Handlers), (Index: this, current.Handlers));
        }

        private HandlerStep<TContext>[] StepsOf<TContext>(List<OpenIddictServerHandlerDescriptor> handlers) where TContext : BaseContext =>
        [
            .. handlers.Where(d => d.ContextType == typeof(TContext)).Select(d => new HandlerStep<TContext>(
                d,
                d.ServiceDescriptor.ImplementationInstance as IOpenIddictServerHandler<TContext> ?? Singleton<IOpenIddictServerHandler<TContext>>(d.ServiceDescriptor.ServiceType),
                [.. d.FilterTypes.Select(Singleton<IOpenIddictServerHandlerFilter<TContext>>)])),
        ];

        private T? Singleton<T>(Type type) where T : class =>
            _singletons.Value.Contains(type) ? root.GetService(type) as T : null;
    }
}
