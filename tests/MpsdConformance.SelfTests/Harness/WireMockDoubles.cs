using System.Diagnostics;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>
/// Canned misbehaving targets from WireMock.Net: every request, whatever its method and path, gets the same
/// answer, built from WireMock.Net's delays, faults, bodies and headers. They need no state, so they need no
/// reference server; the broken doubles that do (a changed answer of the reference, a count of calls) stay
/// interceptors of the reference server. Misbehaviours WireMock.Net cannot send, because every answer it sends
/// is well-framed HTTP, are <see cref="RawSocketDouble"/>s.
/// </summary>
internal static class WireMockDoubles
{
    /// <summary>A valid session document, for answers whose fault is elsewhere.</summary>
    public const string Session = """{"constants":{"system":{"version":1,"maxMembersCount":8}},"properties":{"system":{},"custom":{}},"members":{}}""";

    /// <summary>Starts a WireMock.Net server on a free loopback port that answers every request with <paramref name="answer"/>.</summary>
    public static WireMockDouble Start(IResponseBuilder answer) => new(answer);

    /// <summary>
    /// No answer for <paramref name="heldFor"/>, then a 204. WireMock.Net's delay cannot be cancelled, so the
    /// double's <see cref="WireMockDouble.Dispose"/> waits until it ends: hold it a few times the harness's
    /// timeout, not more.
    /// </summary>
    public static IResponseBuilder NoAnswer(TimeSpan heldFor) => Response.Create().WithDelay(heldFor).WithStatusCode(204);

    /// <summary>
    /// A 200 application/json at once, then a body that comes a space every <paramref name="every"/> and ends
    /// (as <c>{}</c>) after <paramref name="lasting"/>. WireMock.Net has no chunked-dribble delay (the Java
    /// WireMock's); its server-sent-events body writes and flushes each piece as the callback hands it over,
    /// which is a drip. The double's <see cref="WireMockDouble.Dispose"/> waits until the drip ends.
    /// </summary>
    public static IResponseBuilder SlowDrip(TimeSpan every, TimeSpan lasting) =>
        Json().WithSseBody(async (_, body) =>
        {
            for (var clock = Stopwatch.StartNew(); clock.Elapsed < lasting;)
            {
                body.Write(" ");
                await Task.Delay(every);
            }
            body.Write("{}");
            body.Close();
        });

    /// <summary>
    /// A 200 application/json whose body is garbage: the first half of a session document, then 100 to 200
    /// random bytes (WireMock.Net's MALFORMED_RESPONSE_CHUNK fault, which sends them as a complete answer).
    /// </summary>
    public static IResponseBuilder GarbageBody() => Json().WithBody(Session).WithFault(FaultType.MALFORMED_RESPONSE_CHUNK);

    /// <summary>A 200 application/json with an empty body (WireMock.Net's EMPTY_RESPONSE fault).</summary>
    public static IResponseBuilder EmptyBody() => Json().WithBody(Session).WithFault(FaultType.EMPTY_RESPONSE);

    /// <summary>A 200 whose body is a session document, sent as <paramref name="contentType"/>.</summary>
    public static IResponseBuilder WrongContentType(string contentType) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", contentType).WithBody(Session);

    /// <summary>A 200 application/json carrying <paramref name="body"/> as it is.</summary>
    public static IResponseBuilder JsonBody(string body) => Json().WithBody(body);

    /// <summary>A 200 application/json of <paramref name="bytes"/> bytes: a session document padded with a long string.</summary>
    public static IResponseBuilder HugeBody(int bytes)
    {
        const string head = """{"constants":{"system":{}},"properties":{"system":{},"custom":{"pad":""";
        const string tail = "\"}},\"members\":{}}";
        var body = new byte[bytes];
        Encoding.ASCII.GetBytes(head).CopyTo(body, 0);
        body.AsSpan(head.Length, bytes - head.Length - tail.Length).Fill((byte)'x');
        Encoding.ASCII.GetBytes(tail).CopyTo(body, bytes - tail.Length);
        return Json().WithBody(body);
    }

    /// <summary>A profile of a target at <paramref name="baseUrl"/> whose first user's token is <paramref name="token"/> (the others are fixed).</summary>
    public static TargetProfile Profile(string baseUrl, string token) => TargetProfile.Parse($$$"""
        {"baseUrl":"{{{baseUrl}}}","scid":"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11","templates":{"open":"quick"},
         "users":[{"name":"alice","xuid":"2814650000000001","headers":{"Authorization":"{{{token}}}"}},
                  {"name":"bob","xuid":"2814650000000002","headers":{"Authorization":"XBL3.0 x=2;bob-secret-token"}},
                  {"name":"carol","xuid":"2814650000000003","headers":{"Authorization":"XBL3.0 x=3;carol-secret-token"}}]}
        """, "test double", _ => null);

    /// <summary>A token to plant in a profile, to prove no message shows it.</summary>
    public static string Canary() => "XBL3.0 x=1;canary-" + Guid.NewGuid().ToString("N");

    private static IResponseBuilder Json() => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json");
}

/// <summary>A running WireMock.Net double (<see cref="WireMockDoubles.Start"/>).</summary>
internal sealed class WireMockDouble : IDisposable
{
    // The first answer of a process runs WireMock.Net's pipeline cold, which on a busy machine can take longer
    // than a short harness timeout: one throwaway server answers once first.
    private static readonly Lazy<bool> Warm = new(() =>
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(204));
        using var http = new HttpClient();
        using var answer = http.Send(new HttpRequestMessage(HttpMethod.Get, server.Url));
        server.Stop();
        return true;
    });

    private readonly WireMockServer _server;

    internal WireMockDouble(IResponseBuilder answer)
    {
        _ = Warm.Value;
        _server = WireMockServer.Start();
        _server.Given(Request.Create().UsingAnyMethod()).RespondWith(answer);
        Profile = WireMockDoubles.Profile(_server.Url!, Token);
    }

    /// <summary>The first user's token: a secret no message may show.</summary>
    public string Token { get; } = WireMockDoubles.Canary();

    /// <summary>A profile of this target.</summary>
    public TargetProfile Profile { get; }

    /// <summary>A harness client of this target.</summary>
    public Target Connect(HarnessSettings settings) => Target.Connect(Profile, settings);

    /// <summary>Stops the server (after any answer it still holds or drips).</summary>
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
