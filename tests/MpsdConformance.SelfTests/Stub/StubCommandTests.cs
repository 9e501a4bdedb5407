using System.Net;
using System.Text;
using MpsdConformance.Cli;

namespace MpsdConformance.SelfTests.Stub;

/// <summary>
/// <c>mpsd stub</c> on small recordings written here: what a mapping matches and answers, the order a scenario per
/// URL imposes, the same conversation on the Java WireMock, the shipped mappings by default, and the one-line errors.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class StubCommandTests
{
    private const string Session = "/serviceconfigs/8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11/sessiontemplates/quick/sessions/c0ffee00-0000-4000-8000-000000000001";
    private const string Join = """{"members":{"me":{"constants":{"system":{"xuid":"2814650000000001"}}}}}""";

    private static readonly System.Text.Json.JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly KeyValuePair<string, string>[] JsonAnswer = [new("Content-Type", "application/json; charset=utf-8"), new("ETag", "\"E1\""), new("Date", "Wed, 02 Dec 2026 10:20:01 GMT")];

    private static RecordedExchange Exchange(long sequence, string method, string url, string? body, int status, string answer, params (string Name, string Value)[] headers) =>
        new(sequence, "MpsdConformance.Scenarios.Example.Conversation", method, url,
            [new("X-Xbl-Contract-Version", "107"), new("Authorization", "***"), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)),
             .. body is null ? Array.Empty<KeyValuePair<string, string>>() : [new("Content-Type", "application/json"), new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]],
            body is null ? null : Encoding.UTF8.GetBytes(body), status, answer.Length == 0 ? [] : JsonAnswer, Encoding.UTF8.GetBytes(answer));

    /// <summary>A create, a conditional write, a read, a leave, and a read of another session that does not exist.</summary>
    private static string Conversation()
    {
        var root = Directory.CreateTempSubdirectory("mpsd-stub-").FullName;
        MappingWriter.Write(root,
        [
            Exchange(1, "PUT", Session, Join, 201, """{"changeNumber":1}"""),
            Exchange(2, "PUT", Session, """{"properties":{"custom":{"a":1}}}""", 200, """{"changeNumber":2}""", ("If-Match", "\"E1\"")),
            Exchange(3, "GET", Session, null, 200, """{"changeNumber":2}"""),
            Exchange(4, "DELETE", Session + "/members/me", null, 204, ""),
            Exchange(5, "GET", Session.Replace("0001", "0002", StringComparison.Ordinal), null, 204, ""),
        ]);
        return root;
    }

    private static HttpRequestMessage Request(string method, string url, string? body = null, string? contentType = "application/json; charset=utf-8", params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.TryAddWithoutValidation("X-Xbl-Contract-Version", "107");
        request.Headers.TryAddWithoutValidation("Authorization", "XBL3.0 x=42;the-client-team's-own-token");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }

    /// <summary>The conversation a client would have with the stub: the statuses it gets, with the body's changeNumber where there is one.</summary>
    private static async Task<List<string>> Converse(Uri baseUrl)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        var answers = new List<string>();
        async Task Send(HttpRequestMessage request)
        {
            using (request)
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                answers.Add($"{(int)response.StatusCode}{(body.StartsWith("{\"changeNumber\"", StringComparison.Ordinal) ? " " + body : "")}");
            }
        }
        await Send(Request("GET", Session));                                                   // out of order: no answer recorded for a GET first
        await Send(Request("PUT", Session, """{ "members": { "me": { "constants": { "system": { "xuid": "2814650000000001" } } } } }""")); // the same JSON, spaced otherwise
        await Send(Request("PUT", Session, """{"properties":{"custom":{"a":1}}}"""));          // without the recorded If-Match
        await Send(Request("PUT", Session, """{"properties":{"custom":{"a":2}}}""", headers: ("If-Match", "\"E1\""))); // another body
        await Send(Request("PUT", Session, """{"properties":{"custom":{"a":1}}}""", headers: ("If-Match", "\"E1\"")));
        await Send(Request("GET", Session));
        await Send(Request("GET", Session));                                                   // the last answer again
        await Send(Request("DELETE", Session + "/members/me"));
        var anonymous = Request("GET", Session.Replace("0001", "0002", StringComparison.Ordinal));
        anonymous.Headers.Remove("Authorization");
        await Send(anonymous);                                                                  // recorded with an Authorization header
        await Send(Request("GET", Session.Replace("0001", "0002", StringComparison.Ordinal)));
        using (var reset = await http.PostAsync("/__admin/scenarios/reset", null))
        {
            answers.Add($"reset {(int)reset.StatusCode}");
        }
        await Send(Request("PUT", Session, Join));                                             // from the start again
        return answers;
    }

    private static readonly string[] Expected =
    [
        "404", "201 {\"changeNumber\":1}", "404", "404", "200 {\"changeNumber\":2}", "200 {\"changeNumber\":2}", "200 {\"changeNumber\":2}", "204", "404", "204",
        "reset 200", "201 {\"changeNumber\":1}",
    ];

    [Test]
    public async Task Stub_AnswersInTheRecordedOrder_MatchingMethodUrlHeadersAndJsonBody()
    {
        var root = Conversation();
        await using var stub = await StubUnderTest.StartAsync("--mappings", root);
        Assert.That(await Converse(stub.BaseUrl), Is.EqualTo(Expected));
        using var http = new HttpClient { BaseAddress = stub.BaseUrl };
        (await http.PostAsync("/__admin/scenarios/reset", null)).Dispose();
        using var response = await http.SendAsync(Request("PUT", Session, Join));
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo("\"E1\""), "recorded response headers are answered");
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
        });
        Directory.Delete(root, true);
    }

    [Test]
    public async Task JavaWireMock_HasTheSameConversation_OnTheSameFiles()
    {
        var root = Conversation();
        await using var java = await JavaWireMock.StartAsync(root);
        Assert.That(await Converse(java.BaseUrl), Is.EqualTo(Expected), java.Output);
        Directory.Delete(root, true);
    }

    [Test]
    public void Mappings_AreWireMockOrgJson_WithoutSecretsOrTransportHeaders()
    {
        var root = Conversation();
        var text = string.Concat(Directory.EnumerateFiles(Path.Combine(root, "mappings")).Select(File.ReadAllText));
        var mapping = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(root, "mappings", "Example.Conversation.json")))!["mappings"]![1]!;
        Assert.Multiple(() =>
        {
            Assert.That(Directory.EnumerateFiles(Path.Combine(root, "mappings")).Select(Path.GetFileName), Is.EqualTo(new[] { "Example.Conversation.json" }));
            Assert.That((string?)mapping["request"]!["url"], Is.EqualTo(Session));
            Assert.That(mapping["request"]!["headers"]!["If-Match"]!.ToJsonString(Compact), Is.EqualTo("""{"equalTo":"\"E1\""}"""));
            Assert.That(mapping["request"]!["headers"]!["If-None-Match"]!.ToJsonString(Compact), Is.EqualTo("""{"absent":true}"""));
            Assert.That(mapping["request"]!["headers"]!["Authorization"]!.ToJsonString(Compact), Is.EqualTo("""{"matches":".+"}"""));
            Assert.That(mapping["request"]!["bodyPatterns"]![0]!["equalToJson"]!.ToJsonString(Compact), Is.EqualTo("""{"properties":{"custom":{"a":1}}}"""));
            Assert.That((string?)mapping["scenarioName"], Is.EqualTo(Session));
            Assert.That((string?)mapping["requiredScenarioState"], Is.EqualTo("request 2"));
            Assert.That((string?)mapping["newScenarioState"], Is.EqualTo("request 3"));
            Assert.That(mapping["response"]!.ToJsonString(Compact), Is.EqualTo("""{"status":200,"headers":{"Content-Type":"application/json; charset=utf-8","ETag":"\"E1\""},"body":"{\"changeNumber\":2}"}"""));
            Assert.That(text, Does.Not.Contain("***").And.Not.Contain("Date").And.Not.Contain("Content-Length"));
        });
        Directory.Delete(root, true);
    }

    [Test]
    public async Task WithoutMappings_ServesTheMappingsShippedWithTheTool()
    {
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        await using var stub = await StubUnderTest.StartAsync();
        var shipped = MappingReader.Read(Path.Combine(Repo.Root, Locations.StubFolder));
        var first = shipped.Where(m => m.Scenario is null || m.RequiredState == MappingWriter.StartState).First(m => m.Status == 201);
        using var http = new HttpClient { BaseAddress = stub.BaseUrl };
        using var response = await http.SendAsync(Replay.Request(first));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(stub.Output.ToString(), Does.Contain($"serving {shipped.Count} mappings"));
            Assert.That((int)response.StatusCode, Is.EqualTo(201));
            Assert.That(Replayed.SameBody(body, first.ResponseBody), Is.True);
        });
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(["stub", "--port", "0", .. args], Stream.Null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Folder(params (string Name, string Text)[] files)
    {
        var root = Directory.CreateTempSubdirectory("mpsd-stub-bad-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "mappings"));
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(root, "mappings", name), text);
        }
        return root;
    }

    private const string Good = """{"request":{"method":"GET","url":"/a"},"response":{"status":200,"body":"ok"}}""";

    [TestCase("broken.json", "{ \"request\": ", "mpsd stub: --mappings: broken.json: not JSON")]
    [TestCase("delay.json", """{"request":{"method":"GET","url":"/b"},"response":{"status":200,"fixedDelayMilliseconds":100}}""", "mpsd stub: --mappings: delay.json: 'response.fixedDelayMilliseconds' is not supported by mpsd stub")]
    [TestCase("many.json", """{"mappings":[{"request":{"url":"/c"},"response":{}},{"request":{"url":"/d","headers":{"X":{"equalToIgnoreCase":"y"}}},"response":{}}]}""",
        "mpsd stub: --mappings: many.json, mapping 2: request.headers.X: 'equalToIgnoreCase' is not supported by mpsd stub")]
    [TestCase("regex.json", """{"request":{"urlPattern":"/f(["},"response":{}}""", "mpsd stub: --mappings: regex.json: request.urlPattern is not a regular expression")]
    [TestCase("bytes.json", """{"request":{"url":"/g"},"response":{"base64Body":"not base64!"}}""", "mpsd stub: --mappings: bytes.json: ")]
    [TestCase("nostate.json", """{"scenarioName":"s","request":{"url":"/e"},"response":{}}""", "mpsd stub: --mappings: nostate.json: a scenario mapping without requiredScenarioState")]
    public async Task AMappingItCannotServe_Exits2_NamingTheFileAndWhat(string file, string text, string message)
    {
        var root = Folder(("good.json", Good), (file, text));
        var (code, output, error) = await Run("--mappings", root);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.StartWith(message));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
        });
        Directory.Delete(root, true);
    }

    [Test]
    public async Task MissingOrEmptyFolder_Exits2_InOneLine()
    {
        var missing = Path.Combine(Path.GetTempPath(), "mpsd-no-such-" + Guid.NewGuid().ToString("N"));
        var empty = Directory.CreateTempSubdirectory("mpsd-stub-empty-").FullName;
        var (code, _, error) = await Run("--mappings", missing);
        var (emptyCode, _, emptyError) = await Run("--mappings", empty);
        var (noValue, _, noValueError) = await Run("--mappings");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error, Does.StartWith("mpsd stub: --mappings: no such folder: ").And.Contain(missing));
            Assert.That(emptyCode, Is.EqualTo(ExitCodes.Usage));
            Assert.That(emptyError, Does.StartWith("mpsd stub: --mappings: no mapping files (*.json) in "));
            Assert.That(noValue, Is.EqualTo(ExitCodes.Usage));
            Assert.That(noValueError, Does.StartWith("mpsd stub: --mappings needs a folder"));
        });
        Directory.Delete(empty);
    }

    [Test]
    public async Task PortTaken_Exits2_SayingSo()
    {
        var root = Folder(("good.json", Good));
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(["stub", "--port", port, "--mappings", root], Stream.Null, output, error);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error.ToString(), Does.StartWith($"mpsd stub: cannot listen on 127.0.0.1:{port}"));
        });
        Directory.Delete(root, true);
    }
}
