namespace MpsdConformance.Harness;

/// <summary>
/// Keeps every exchange a run sends over the wire, in full and redacted (<see cref="RecordedExchange"/>): the
/// recording behind <c>mpsd certify --record-mappings</c>. A run without one never pays for it.
/// </summary>
public sealed class WireRecorder
{
    private readonly List<RecordedExchange> _exchanges = [];
    private readonly Dictionary<string, List<InFlight>> _inFlight = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Every exchange recorded so far, in the order their answers came back.</summary>
    public IReadOnlyList<RecordedExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return [.. _exchanges.OrderBy(e => e.Sequence)];
            }
        }
    }

    /// <summary>The handler that records into this recorder; it sits innermost, next to the socket.</summary>
    internal DelegatingHandler Handler(Redactor redactor) => new WireRecordingHandler(this, redactor);

    private void Add(Func<long, RecordedExchange> exchange)
    {
        lock (_exchanges)
        {
            _exchanges.Add(exchange(++_sequence));
        }
    }

    // A request on its way: any other on the same URL meanwhile makes both concurrent.
    private InFlight Start(string url)
    {
        lock (_inFlight)
        {
            var request = new InFlight(url);
            if (_inFlight.TryGetValue(url, out var others))
            {
                request.Concurrent = others.Count > 0;
                others.ForEach(other => other.Concurrent = true);
                others.Add(request);
            }
            else
            {
                _inFlight[url] = [request];
            }
            return request;
        }
    }

    private void End(InFlight request)
    {
        lock (_inFlight)
        {
            var others = _inFlight[request.Url];
            others.Remove(request);
            if (others.Count == 0)
            {
                _inFlight.Remove(request.Url);
            }
        }
    }

    private sealed class InFlight(string url)
    {
        public string Url { get; } = url;

        public bool Concurrent { get; set; }
    }

    private sealed class WireRecordingHandler(WireRecorder recorder, Redactor redactor) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var requestBody = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var uri = request.RequestUri!;
            var inFlight = recorder.Start(uri.ToString());
            HttpResponseMessage response;
            byte[] responseBody;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
            finally
            {
                recorder.End(inFlight);
            }
            var concurrent = inFlight.Concurrent;
            // The scenario whose flow sent it (cleanup included: it runs in the scenario's teardown).
            var scenario = ScenarioState.Current is null ? null : TestContext.CurrentContext.Test.FullName;
            recorder.Add(sequence => new RecordedExchange(
                sequence,
                scenario,
                request.Method.Method,
                redactor.Redact(uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString),
                Headers(request.Headers, request.Content?.Headers),
                requestBody is null ? null : redactor.Redact(requestBody),
                (int)response.StatusCode,
                Headers(response.Headers, response.Content.Headers),
                redactor.Redact(responseBody),
                concurrent));
            return response;
        }

        // Each value of a header on its own (Set-Cookie cannot be joined), exactly as sent or received.
        private List<KeyValuePair<string, string>> Headers(System.Net.Http.Headers.HttpHeaders headers, System.Net.Http.Headers.HttpHeaders? content)
        {
            var all = new List<KeyValuePair<string, string>>();
            foreach (var group in content is null ? [headers] : new[] { headers, content })
            {
                foreach (var (name, values) in group.NonValidated)
                {
                    all.AddRange(values.Select(value => new KeyValuePair<string, string>(name, redactor.Redact(value))));
                }
            }
            return all;
        }
    }
}
