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
/// event's type only, in order, each filter asked before its handler, and the same stop after a
/// handler rejects, handles or skips the request, or throws.
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
        var (openIddicts, ran) = await DispatchAsync(ending, (logger, options, provider) => new OpenIddictServerDispatcher(logger, options, provider));
        var (indexed, ranIndexed) = await DispatchAsync(ending, (logger, options, provider) => new IndexedServerDispatcher(logger, options, provider, new IndexedServerDispatcher.HandlerIndex()));

        Assert.Equal(ending == Ending.None ? ["first", "scoped", "middle", "last"] : ["first", "scoped", "middle"], ran);
        Assert.Equal(ran, ranIndexed);
        Assert.Equal(openIddicts?.GetType(), indexed?.GetType());
    }

    [Fact]
    public void OptionsBuiltAnew_AreIndexedAnew()
    {
        var index = new IndexedServerDispatcher.HandlerIndex();
        var first = new OpenIddictServerOptions();
        first.Handlers.Add(Inline(1, "a", Ending.None));
        var second = new OpenIddictServerOptions();
        second.Handlers.AddRange([Inline(1, "a", Ending.None), Inline(2, "b", Ending.None)]);

        Assert.Single(index.For<Probe>(first));
        Assert.Equal(2, index.For<Probe>(second).Length);
        Assert.Single(index.For<Probe>(first));
    }

    private static async Task<(Exception? Thrown, List<string> Ran)> DispatchAsync(
        Ending ending, Func<ILogger<OpenIddictServerDispatcher>, IOptionsMonitor<OpenIddictServerOptions>, IServiceProvider, IOpenIddictServerDispatcher> create)
    {
        var scoped = OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().UseScopedHandler<RecordingHandler>().SetOrder(2).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<Refuse>().AddSingleton<Accept>();
        services.Add(scoped.ServiceDescriptor);
        services.Configure<OpenIddictServerOptions>(options => options.Handlers.AddRange(
        [
            // Sorted by order, as OpenIddict sorts its list; another event's handlers between.
            Inline(1, "first", Ending.None),
            OpenIddictServerHandlerDescriptor.CreateBuilder<Other>().UseInlineHandler(_ => throw new InvalidOperationException("another event's handler ran")).SetOrder(1).Build(),
            scoped,
            OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().AddFilter<Refuse>().UseInlineHandler(c => Run(c, "filtered out", Ending.None)).SetOrder(3).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<Probe>().AddFilter<Accept>().UseInlineHandler(c => Run(c, "middle", ending)).SetOrder(4).Build(),
            Inline(5, "last", Ending.None),
        ]));

        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var dispatcher = create(
            scope.ServiceProvider.GetRequiredService<ILogger<OpenIddictServerDispatcher>>(),
            scope.ServiceProvider.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>(),
            scope.ServiceProvider);
        var context = new Probe(new OpenIddictServerTransaction());
        try
        {
            await dispatcher.DispatchAsync(context);
            return (null, context.Ran);
        }
        catch (InvalidOperationException thrown) when (ending == Ending.Throw)
        {
            return (thrown, context.Ran);
        }
    }

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
        public ValueTask HandleAsync(Probe context) => Run(context, "scoped", Ending.None);
    }

    public sealed class Refuse : IOpenIddictServerHandlerFilter<Probe>
    {
        public ValueTask<bool> IsActiveAsync(Probe context) => ValueTask.FromResult(false);
    }

    public sealed class Accept : IOpenIddictServerHandlerFilter<Probe>
    {
        public ValueTask<bool> IsActiveAsync(Probe context) => ValueTask.FromResult(context.Ran.Count > 0);
    }
}
