using System.Diagnostics;
using System.Net;

namespace MpsdConformance.Harness;

/// <summary>Records every exchange as data, redacted before it is kept.</summary>
public sealed class RecordingHandler(Redactor redactor) : DelegatingHandler
{
    /// <summary>Request option naming the caller, for the record.</summary>
    public static readonly HttpRequestOptionsKey<string> CallerKey = new("mpsd.caller");

    /// <summary>Request option that keeps an exchange out of the test's log (cleanup traffic, bursts).</summary>
    public static readonly HttpRequestOptionsKey<bool> QuietKey = new("mpsd.quiet");

    /// <summary>Request option where a quiet exchange is left, redacted, for whoever sent it to keep or drop.</summary>
    public static readonly HttpRequestOptionsKey<Exchange> QuietExchangeKey = new("mpsd.quiet-exchange");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var requestHeaders = Headers(request.Headers, request.Content?.Headers);
        request.Options.TryGetValue(CallerKey, out var caller);
        request.Options.TryGetValue(QuietKey, out var quiet);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var exchange = new Exchange(started, request.Method.Method, redactor.Redact(request.RequestUri!.ToString()), requestHeaders,
                requestBody is null ? null : redactor.Redact(requestBody), (int)response.StatusCode, response.ReasonPhrase,
                Headers(response.Headers, response.Content.Headers), redactor.Redact(body), clock.Elapsed.TotalMilliseconds, null, caller ?? "?");
            if (quiet)
            {
                request.Options.Set(QuietExchangeKey, exchange);
            }
            else
            {
                Keep(exchange);
            }
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            if (!quiet)
            {
                Keep(new Exchange(started, request.Method.Method, redactor.Redact(request.RequestUri!.ToString()), requestHeaders,
                    requestBody is null ? null : redactor.Redact(requestBody), null, null, [], null, clock.Elapsed.TotalMilliseconds,
                    redactor.Redact(TargetUnreachableException.Why(e)), caller ?? "?"));
            }
            throw;
        }
    }

    private static void Keep(Exchange exchange) => ScenarioState.Current?.Add(exchange);

    private List<KeyValuePair<string, string>> Headers(System.Net.Http.Headers.HttpHeaders headers, System.Net.Http.Headers.HttpHeaders? content) =>
        headers.Concat(content ?? (IEnumerable<KeyValuePair<string, IEnumerable<string>>>)[])
            .Select(h => new KeyValuePair<string, string>(h.Key, redactor.Redact(string.Join(", ", h.Value))))
            .ToList();
}

/// <summary>
/// Per-request timeout (the whole answer, its body too, must come within it), a bound on the answer's size
/// (<see cref="HarnessSettings.MaxAnswerBytes"/>), bounded retries of 429/503 honouring Retry-After, and an optional rate cap.
/// <paramref name="beforeRetry"/> sees each 429 or 503 answer it retries (which no outer handler ever sees).
/// </summary>
public sealed class ResilienceHandler(HarnessSettings settings, Func<HttpRequestMessage, HttpResponseMessage, Task>? beforeRetry = null) : DelegatingHandler
{
    /// <summary>Request option: a 429 or 503 answer is returned as it is, never retried (the rate-limit burst).</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetryKey = new("mpsd.no-retry");

    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _pace = new(1, 1);
    private DateTime _next = DateTime.MinValue;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await Pace(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.RequestTimeout);
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, timeout.Token);
                await Buffer(response, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The status line and headers may have come, and then a body that trickles on past the timeout.
                var came = response is null ? null : $"{(int)response.StatusCode} came, but its body did not end";
                response?.Dispose();
                throw new TimeoutException(came is null
                    ? $"no answer within {settings.RequestTimeout.TotalSeconds:0.#} s"
                    : $"no complete answer within {settings.RequestTimeout.TotalSeconds:0.#} s: {came}");
            }
            catch (HttpRequestException e) when (response is not null)
            {
                // The status line and headers came; the body did not: too large to read, or the connection broke.
                var status = (int)response.StatusCode;
                response.Dispose();
                throw new HttpRequestException(e.HttpRequestError, e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded
                    ? $"{status} came, but {e.Message}"
                    : $"{status} came, but the answer broke off before its body ended: {TargetUnreachableException.Why(e)}", e);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
            {
                // SocketsHttpHandler.MaxResponseHeadersLength: the headers never ended within the cap.
                throw new HttpRequestException(e.HttpRequestError,
                    $"the answer's headers exceeded {settings.MaxHeaderKiB} KiB, the most the suite reads (MPSD_MAX_HEADER_KIB)", e);
            }
            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || attempt >= settings.MaxRetries
                || (request.Options.TryGetValue(NoRetryKey, out var noRetry) && noRetry))
            {
                return response;
            }
            if (beforeRetry is not null)
            {
                await beforeRetry(request, response);
            }
            var wait = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date - DateTimeOffset.UtcNow) ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestWait ? LongestWait : wait, cancellationToken);
        }
    }

    /// <summary>How much of an answer that exceeds the cap is kept as evidence.</summary>
    public const int EvidenceBytes = 256;

    /// <summary>
    /// Reads the answer's body into memory, at most <see cref="HarnessSettings.MaxAnswerBytes"/>; a longer one fails with
    /// "the answer exceeded N bytes" and its first <see cref="EvidenceBytes"/> bytes (control characters shown as '.').
    /// </summary>
    private async Task Buffer(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var max = settings.MaxAnswerBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared <= max)
        {
            await response.Content.LoadIntoBufferAsync(max, cancellationToken);
            return;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > max)
            {
                body.Write(chunk, 0, (int)Math.Min(read, Math.Max(0, EvidenceBytes - body.Length)));
                var first = body.GetBuffer().AsSpan(0, (int)Math.Min(body.Length, EvidenceBytes));
                throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded,
                    $"the answer exceeded {max} bytes, the most the suite reads (MPSD_MAX_ANSWER_BYTES); its first {first.Length} bytes: {Printable(first)}");
            }
            body.Write(chunk, 0, read);
        }
        var content = new ByteArrayContent(body.ToArray());
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content.Dispose();
        response.Content = content;
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        // One line of evidence: line ends and undecodable bytes (U+FFFD) are shown as '.' too.
        return string.Concat(text.Select(c => c is '\n' or '\r' or '\t' or '\uFFFD' || TargetUnreachableException.Unprintable(c) ? '.' : c));
    }

    private async Task Pace(CancellationToken cancellationToken)
    {
        if (settings.MaxRequestsPerSecond <= 0)
        {
            return;
        }
        await _pace.WaitAsync(cancellationToken);
        try
        {
            var now = DateTime.UtcNow;
            if (_next > now)
            {
                await Task.Delay(_next - now, cancellationToken);
            }
            _next = (_next > now ? _next : now) + TimeSpan.FromSeconds(1 / settings.MaxRequestsPerSecond);
        }
        finally
        {
            _pace.Release();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pace.Dispose();
        }
        base.Dispose(disposing);
    }
}
