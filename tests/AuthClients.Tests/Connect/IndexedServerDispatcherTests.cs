using System.Collections.Concurrent;
using AuthClients.Tests.Shared;
using AuthClients.Web.Connect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Tests.Connect;

/// <summary>
/// The app's server dispatcher (on in every test app but the baseline's, so every OAuth test goes
/// through it) runs what OpenIddict's own runs for the same handler list: the handlers of the
/// event's type only, in order, each filter asked before its handler (also when a filter answers
/// later), and the same stop after a handler rejects, handles or skips the request, or throws. The
/// handlers and filters it keeps are singletons only: a scoped one is the request's own.
/// </summary>
public sealed class IndexedServerDispatcherTests
{
    public enum Ending { None, Reject, Handle, Skip, Throw }

    [Theory]
    [InlineData(Ending.None)]
    [InlineData(Ending.Reject)]
    [InlineData(Ending.Handle)]
    [InlineData(Ending.Skip)]
    [InlineData(Ending.Throw)]
    public async Task RunsWhatOpenIddictsDispatcherRuns(Ending ending)
    {
        var (openIddicts, ran, openIddictsLog) = await DispatchOnceAsync(ending, (logger, options, provider, _) => new OpenIddictServerDispatcher(logger, options, provider));
        var (indexed, ranIndexed, indexedLog) = await DispatchOnceAsync(ending, (logger, options, provider, index) => new IndexedServerDispatcher(logger, options, provider, index));

        Assert.Equal(ending == Ending.None ? ["first", "scoped", "awaited", "middle", "singleton", "last"] : ["first", "scoped", "awaited", "middle"], ran);
        Assert.Equal(ran, ranIndexed);
        Assert.Equal(openIddicts?.GetType(), indexed?.GetType());

        // With Debug on, an operator reads the same lines: each handler that ran, then how the request ended.
        Assert.Contains(ending switch
        {
            Ending.Reject => "marked as rejected by",
            Ending.Handle => "marked as handled by",
            Ending.Skip => "marked as skipped by",
            Ending.Throw => "An exception was thrown by",
            _ => "successfully processed by",
        }, openIddictsLog[^1]);
        Assert.Equal(openIddictsLog, indexedLog);
    }

    [Fact]
    public async Task ScopedFiltersAndHandlers_AreEachRequestsOwn_SingletonsAreShared()
    {
        await using var app = Build(Ending.None);
        var index = new IndexedServerDispatcher.HandlerIndex(app, Registrations(Ending.None));
        var scopes = new List<AsyncServiceScope> { app.CreateAsyncScope(), app.CreateAsyncScope() };
        foreach (var scope in scopes)
        {
            await Dispatcher(scope.ServiceProvider, (logger, options, provider) => new IndexedServerDispatcher(logger, options, provider, index))
                .DispatchAsync(new Probe(new OpenIddictServerTransaction()));
        }

        Assert.All(scopes, scope => Assert.Equal(1, scope.ServiceProvider.GetRequiredService<ScopedAccept>().Asked));
        Assert.All(scopes, scope => Assert.Equal(1, scope.ServiceProvider.GetRequiredService<RecordingHandler>().Runs));
        Assert.Equal(2, app.GetRequiredService<SingletonHandler>().Runs);
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }
    }

    [Fact]
    public void OptionsBuiltAnew_AreIndexedAnew()
    {
        var index = new IndexedServerDispatcher.HandlerIndex(new ServiceCollection().BuildServiceProvider(), []);
        var first = new OpenIddictServerOptions();
        first.Handlers.Add(Inline(1, "a", Ending.None));
        var second = new OpenIddictServerOptions();
        second.Handlers.AddRange([Inline(1, "a", Ending.None), Inline(2, "b", Ending.None)]);

        Assert.Single(index.For<Probe>(first));
        Assert.Equal(2, index.For<Probe>(second).Length);
        Assert.Single(index.For<Probe>(first));
    }

    private static async Task<(Exception? Thrown, List<string> Ran, string[] DebugLines)> DispatchOnceAsync(Ending ending,
        Func<ILogger<OpenIddictServerDispatcher>, IOptionsMonitor<OpenIddictServerOptions>, IServiceProvider, IndexedServerDispatcher.HandlerIndex, IOpenIddictServerDispatcher> create)
    {
        var log = new ConcurrentQueue<CapturedLogEntry>();
        await using var app = Build(ending, new CapturingLoggerProvider(new ConcurrentQueue<string>(), log));
        string[] DebugLines() => [.. log.Where(entry => entry.Level == LogLevel.Debug).Select(entry => entry.Message)];
        var index = new IndexedServerDispatcher.HandlerIndex(app, Registrations(ending));
        await using var scope = app.CreateAsyncScope();
        var dispatcher = Dispatcher(scope.ServiceProvider, (logger, options, provider) => create(logger, options, provider, index));
        var context = new Probe(new OpenIddictServerTransaction());
        try
        {
            await dispatcher.DispatchAsync(context);
            return (null, context.Ran, DebugLines());
        }
        catch (InvalidOperationException thrown) when (ending == Ending.Throw)
        {
            return (thrown, context.Ran, DebugLines());
        }
    }

    private static ServiceProvider Build(Ending ending, ILoggerProvider? debugLog = null) =>
        (debugLog is null ? Registrations(ending) : Registrations(ending).AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(debugLog)))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

    private static IServiceCollection Registrations(Ending ending)
    {
        var scoped = OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().UseScopedHandler<RecordingHandler>().SetOrder(2).Build();
        var singleton = OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().UseSingletonHandler<SingletonHandler>().SetOrder(7).Build();
        IServiceCollection services = new ServiceCollection();
        services.AddLogging().AddSingleton<Refuse>().AddSingleton<Accept>().AddSingleton<Later>().AddScoped<ScopedAccept>();
        services.Add(scoped.ServiceDescriptor);
        services.Add(singleton.ServiceDescriptor);
        services.Configure<OpenIddictServerOptions>(options => options.Handlers.AddRange(
        [
            // Sorted by order, as OpenIddict sorts its list; another event's handlers between.
            Inline(1, "first", Ending.None),
            OpenIddictServerHandlerDescriptor.CreateBuilder<Other>().UseInlineHandler(_ => throw new InvalidOperationException("another event's handler ran")).SetOrder(1).Build(),
            scoped,
            OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().AddFilter<Refuse>().UseInlineHandler(c => Run(c, "filtered out", Ending.None)).SetOrder(3).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().AddFilter<Accept>().AddFilter<Later>().AddFilter<ScopedAccept>()
                .UseInlineHandler(c => Run(c, "awaited", Ending.None)).SetOrder(4).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().AddFilter<Later>().AddFilter<Refuse>().UseInlineHandler(c => Run(c, "refused after a later answer", Ending.None)).SetOrder(5).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().AddFilter<Accept>().UseInlineHandler(c => Run(c, "middle", ending)).SetOrder(6).Build(),
            singleton,
            Inline(8, "last", Ending.None),
        ]));
        return services;
    }

    private static IOpenIddictServerDispatcher Dispatcher(IServiceProvider scope,
        Func<ILogger<OpenIddictServerDispatcher>, IOptionsMonitor<OpenIddictServerOptions>, IServiceProvider, IOpenIddictServerDispatcher> create) =>
        create(scope.GetRequiredService<ILogger<OpenIddictServerDispatcher>>(), scope.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>(), scope);

    private static OpenIddictServerHandlerDescriptor Inline(int order, string name, Ending ending) =>
        OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().UseInlineHandler(c => Run(c, name, ending)).SetOrder(order).Build();

    private static ValueTask Run(Probe context, string name, Ending ending)
    {
        context.Ran.Add(name);
        switch (ending)
        {
            case Ending.Reject: context.Reject("invalid_request"); break;
            case Ending.Handle: context.HandleRequest(); break;
            case Ending.Skip: context.SkipRequest(); break;
            case Ending.Throw: throw new InvalidOperationException("the handler failed");
        }

        return ValueTask.CompletedTask;
    }

    public sealed class Probe(OpenIddictServerTransaction transaction) : BaseValidatingContext(transaction)
    {
        public List<string> Ran { get; } = [];
    }

    public sealed class Other(OpenIddictServerTransaction transaction) : BaseContext(transaction);

    public sealed class RecordingHandler : IOpenIddictServerHandler<Probe>
    {
        public int Runs { get; private set; }

        public ValueTask HandleAsync(Probe context)
        {
            Runs++;
            return Run(context, "scoped", Ending.None);
        }
    }

    public sealed class SingletonHandler : IOpenIddictServerHandler<Probe>
    {
        public int Runs { get; private set; }

        public ValueTask HandleAsync(Probe context)
        {
            Runs++;
            return Run(context, "singleton", Ending.None);
        }
    }

    public sealed class Refuse : IOpenIddictServerHandlerFilter<Probe>
    {
        public ValueTask<bool> IsActiveAsync(Probe context) => ValueTask.FromResult(false);
    }

    public sealed class Accept : IOpenIddictServerHandlerFilter<Probe>
    {
        public ValueTask<bool> IsActiveAsync(Probe context) => ValueTask.FromResult(context.Ran.Count > 0);
    }

    /// <summary>Answers yes, but not at once.</summary>
    public sealed class Later : IOpenIddictServerHandlerFilter<Probe>
    {
        public async ValueTask<bool> IsActiveAsync(Probe context)
        {
            await Task.Yield();
            return true;
        }
    }

    public sealed class ScopedAccept : IOpenIddictServerHandlerFilter<Probe>
    {
        public int Asked { get; private set; }

        public ValueTask<bool> IsActiveAsync(Probe context)
        {
            Asked++;
            return ValueTask.FromResult(true);
        }
    }
}
