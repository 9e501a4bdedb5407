using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>
/// A target written on a bare socket: it reads each request's head, writes canned bytes, then closes the
/// connection or resets it (an RST). Hand-written, not a WireMock.Net double, because WireMock.Net answers
/// through ASP.NET Core, so every answer it sends is well-framed HTTP: it cannot answer with something that
/// is not HTTP, nor break a connection in the middle of a body (its MALFORMED_RESPONSE_CHUNK fault sends half
/// the body and random bytes as a complete answer; see <see cref="WireMockDoubles.GarbageBody"/>).
/// </summary>
internal sealed class RawSocketDouble : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    private RawSocketDouble(byte[] reply, bool reset)
    {
        _listener.Start();
        Profile = WireMockDoubles.Profile($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}", Token);
        _ = Serve(reply, reset);
    }

    /// <summary>The first user's token: a secret no message may show.</summary>
    public string Token { get; } = WireMockDoubles.Canary();

    /// <summary>A profile of this target.</summary>
    public TargetProfile Profile { get; }

    /// <summary>Answers every request with <paramref name="reply"/>, then closes the connection, or resets it when <paramref name="reset"/>.</summary>
    public static RawSocketDouble Start(string reply, bool reset) => new(Encoding.ASCII.GetBytes(reply), reset);

    /// <summary>A harness client of this target.</summary>
    public Target Connect(HarnessSettings settings) => Target.Connect(Profile, settings);

    /// <inheritdoc />
    public void Dispose() => _listener.Stop();

    private async Task Serve(byte[] reply, bool reset)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            using (socket)
            {
                try
                {
                    // The request's head (the harness's requests here are GETs, without a body), so closing
                    // does not reset the connection unless asked to.
                    var head = new List<byte>();
                    var buffer = new byte[4096];
                    while (!EndsHead(head) && await socket.ReceiveAsync(buffer) is var read and > 0)
                    {
                        head.AddRange(buffer.AsSpan(0, read));
                    }
                    await socket.SendAsync(reply);
                    if (reset)
                    {
                        socket.LingerState = new LingerOption(true, 0); // closing now sends an RST
                    }
                }
                catch (SocketException)
                {
                    // the client went away first
                }
            }
        }
    }

    private static bool EndsHead(List<byte> head) =>
        head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';
}
