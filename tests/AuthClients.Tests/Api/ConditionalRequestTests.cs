using System.Net;
using System.Net.Http.Headers;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Api;

/// <summary>
/// <c>If-Match</c> on every request that changes an auth client (PUT, DELETE, POST .../secret), as
/// RFC 9110 13.1.1 says: <c>*</c> or the current ETag lets it through; a stale or weak ETag, or a
/// header that is not an entity tag, gets 412 and changes nothing.
/// </summary>
public sealed class ConditionalRequestTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Route = "/api/1.0/auth-clients";
    private readonly HttpClient _http = app.CreateClient();

    public enum Operation { Update, Delete, RegenerateSecret }

    public enum Precondition { Any, CurrentETag, StaleETag, WeakCurrentETag, NotAnETag }

    public static TheoryData<Operation, Precondition> Cases()
    {
        var data = new TheoryData<Operation, Precondition>();
        foreach (var operation in Enum.GetValues<Operation>())
        {
            foreach (var precondition in Enum.GetValues<Precondition>())
            {
                data.Add(operation, precondition);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IfMatch_IsHonoured(Operation operation, Precondition precondition)
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var target = await app.RegisterClientAsync(name: $"guarded-{Guid.NewGuid():N}");
        var url = $"{Route}/{target.ClientId}";
        var etag = (await _http.SendBearerAsync(HttpMethod.Get, url, token)).Headers.ETag!;
        var ifMatch = precondition switch
        {
            Precondition.Any => "*",
            Precondition.CurrentETag => etag.ToString(),
            Precondition.StaleETag => "\"stale\"",
            Precondition.WeakCurrentETag => "W/" + etag.Tag,
            _ => etag.Tag.Trim('"'),
        };

        var response = await SendAsync(operation, url, token, ifMatch);

        if (precondition is Precondition.Any or Precondition.CurrentETag)
        {
            Assert.Equal(operation == Operation.Delete ? HttpStatusCode.NoContent : HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var after = await _http.SendBearerAsync(HttpMethod.Get, url, token);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal(etag, after.Headers.ETag);
            Assert.False((await _http.RequestClientTokenAsync(target)).IsError, "The secret changed.");
        }
    }

    [Fact]
    public async Task Update_ReturnsTheNewETag_AndTheOldOneNoLongerMatches()
    {
        var token = await app.ClientAccessTokenAsync("auth_clients.read", "auth_clients.write");
        var target = await app.RegisterClientAsync(name: $"guarded-{Guid.NewGuid():N}");
        var url = $"{Route}/{target.ClientId}";
        var first = (await _http.SendBearerAsync(HttpMethod.Get, url, token)).Headers.ETag!.ToString();

        var update = await SendAsync(Operation.Update, url, token, first);
        var again = await SendAsync(Operation.Update, url, token, first);

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.NotEqual(first, update.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(Operation operation, string url, string token, string ifMatch)
    {
        void WithIfMatch(HttpRequestMessage request) => Assert.True(request.Headers.TryAddWithoutValidation("If-Match", ifMatch));

        return operation switch
        {
            Operation.Update => _http.SendBearerAsync(HttpMethod.Put, url, token, new { name = $"renamed-{Guid.NewGuid():N}", grant_types = new[] { "client_credentials" } }, WithIfMatch),
            Operation.Delete => _http.SendBearerAsync(HttpMethod.Delete, url, token, configure: WithIfMatch),
            _ => _http.SendBearerAsync(HttpMethod.Post, url + "/secret", token, configure: WithIfMatch),
        };
    }
}
