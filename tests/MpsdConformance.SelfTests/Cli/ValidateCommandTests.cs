using System.Text;
using System.Text.Json;
using MpsdConformance.Cli;

namespace MpsdConformance.SelfTests.Cli;

/// <summary>The validate verb end to end, in process: lines, JSON, exit codes, and bad input of every kind.</summary>
[Parallelizable(ParallelScope.All)]
public class ValidateCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(string[] args, byte[]? stdin = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, new MemoryStream(stdin ?? []), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Validate(params string[] rest) => ["validate", .. rest, "--schemas", Repo.Schemas];

    private static string Temp(string name, byte[] content)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mpsd-selftest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Test]
    public async Task Validate_ValidFile_PrintsPass_Exit0()
    {
        var file = Temp("ok.json", """{"members":{"me":{"constants":{"system":{"xuid":"2814650000000001"}}}}}"""u8.ToArray());
        var (code, output, _) = await Run(Validate("request", file));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output.Trim(), Is.EqualTo($"PASS {file}"));
        });
    }

    [Test]
    public async Task Validate_InvalidFile_PrintsPointerMessageAndLedgerId_Exit1()
    {
        var file = Temp("bad.json", """{"members":{"me":{"constants":{"system":{"xuid":2814650000000001}}}}}"""u8.ToArray());
        var (code, output, _) = await Run(Validate("request", file));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(output, Does.StartWith($"FAIL {file}: /members/me/constants/system/xuid: expected string, found an integer"));
            Assert.That(output, Does.Contain("[MEMBER-XUID-STRING]"));
        });
    }

    [TestCase("empty", new byte[0], "empty file")]
    [TestCase("whitespace", new byte[] { 32, 10, 9 }, "empty file")]
    [TestCase("binary", new byte[] { 0x7B, 0x00, 0x7D }, "binary data")]
    [TestCase("latin1", new byte[] { 0x7B, 0x22, 0xE9, 0x22, 0x3A, 0x31, 0x7D }, "not UTF-8")]
    [TestCase("comment", new byte[] { 0x7B, 0x2F, 0x2F, 0x0A, 0x7D }, "not JSON")]
    [TestCase("trailing-comma", new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x2C, 0x7D }, "not JSON")]
    [TestCase("duplicate-key", new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x61, 0x22, 0x3A, 0x32, 0x7D }, "not JSON")]
    [TestCase("text", new byte[] { 0x68, 0x65, 0x6C, 0x6C, 0x6F }, "not JSON")]
    [TestCase("lone-surrogate", new byte[] { 0x5B, 0x22, 0x5C, 0x75, 0x44, 0x38, 0x30, 0x30, 0x22, 0x5D }, "not JSON: a string holds an unpaired")]
    [TestCase("two-values", new byte[] { 0x7B, 0x7D, 0x20, 0x7B, 0x7D }, "not JSON")]
    public async Task Validate_BadInput_GetsAClearFailLine_Exit1(string name, byte[] content, string problem)
    {
        var file = Temp(name + ".json", content);
        var (code, output, _) = await Run(Validate("request", file));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(output, Does.StartWith($"FAIL {file}: {problem}"));
        });
    }

    [Test]
    public async Task Validate_FileOver10MB_IsRefusedWithoutReading()
    {
        var file = Temp("huge.json", []);
        using (var stream = File.OpenWrite(file))
        {
            stream.SetLength(10L * 1024 * 1024 + 1);
        }
        var (code, output, _) = await Run(Validate("response", file));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(output, Does.Contain("too large: 10485761 bytes"));
        });
    }

    [Test]
    public async Task Validate_DeeplyNestedJson_FailsCleanly()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var file = Temp("deep.json", Encoding.UTF8.GetBytes("""{"properties":{"custom":""" + deep + "}}"));
        var (code, output, _) = await Run(Validate("request", file));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(output, Does.Contain("not JSON"));
        });
    }

    [Test]
    public async Task Validate_ByteOrderMark_IsAccepted()
    {
        var file = Temp("bom.json", [0xEF, 0xBB, 0xBF, .. "{}"u8.ToArray()]);
        var (code, _, _) = await Run(Validate("request", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public async Task Validate_Folder_IsSearchedRecursivelyForJsonFiles_InOrder()
    {
        var first = Temp("a.json", "{}"u8.ToArray());
        var root = Path.GetDirectoryName(first)!;
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.WriteAllText(Path.Combine(root, "sub", "b.json"), """{"foo":1}""");
        File.WriteAllText(Path.Combine(root, "notes.txt"), "not a payload");
        var (code, output, error) = await Run(Validate("request", root));
        var lines = output.Trim().Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(lines, Has.Length.EqualTo(2));
            Assert.That(lines[0], Does.StartWith("PASS").And.EndWith("a.json"));
            Assert.That(lines[1], Does.StartWith("FAIL").And.Contain("b.json: /foo: property \"foo\" is not allowed here"));
            Assert.That(error, Does.Contain("2 file(s) checked as request: 1 valid, 1 invalid"));
        });
    }

    [Test]
    public async Task Validate_Stdin_IsReadWithDash()
    {
        var (code, output, _) = await Run(Validate("properties", "-"), """{"custom":{"a":null}}"""u8.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output.Trim(), Is.EqualTo("PASS <stdin>"));
        });
    }

    [Test]
    public async Task Validate_Json_ListsEveryViolationWithSchemaLocationAndIds()
    {
        var file = Temp("two.json", """{"constants":{"system":{"visibility":"public","maxMembersCount":0}}}"""u8.ToArray());
        var (code, output, _) = await Run(Validate("request", file, "--json"));
        using var document = JsonDocument.Parse(output);
        var violations = document.RootElement.GetProperty("files")[0].GetProperty("violations").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(document.RootElement.GetProperty("summary").GetProperty("invalid").GetInt32(), Is.EqualTo(1));
            Assert.That(violations.Select(v => v.GetProperty("pointer").GetString()),
                Is.EquivalentTo(new[] { "/constants/system/visibility", "/constants/system/maxMembersCount" }));
            Assert.That(violations.Select(v => v.GetProperty("requirement").GetString()),
                Is.EquivalentTo(new[] { "CONST-VISIBILITY-VALUES", "CONST-MAXMEMBERS-RANGE" }));
            Assert.That(violations.Select(v => v.GetProperty("schemaLocation").GetString()),
                Has.All.StartWith("request.schema.json#/$defs/"));
        });
    }

    [Test]
    public async Task Validate_Undocumented_ListsExtraFieldsAsInfo_WithoutFailing()
    {
        var file = Temp("extra.json", """
            {"constants":{"system":{},"custom":{}},"properties":{"system":{},"custom":{}},"shinyNewField":1,
             "membersInfo":{"first":0,"next":1,"count":1,"accepted":1,"active":1},
             "members":{"0":{"constants":{"system":{"xuid":"1","index":0}},"properties":{"system":{}},"next":1}}}
            """u8.ToArray());
        var (code, output, _) = await Run(Validate("response", file, "--undocumented"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output, Does.Contain("info: /shinyNewField: undocumented field"));
            Assert.That(output, Does.Contain("info: /membersInfo/active: undocumented field"));
            Assert.That(output, Does.Contain("info: /members/0/constants/system/index: undocumented field"));
            Assert.That(output, Does.Not.Contain("/constants/custom"));
        });
    }

    [TestCase(new string[0], "mpsd [command] [options]")]
    [TestCase(new[] { "frobnicate" }, "unknown verb 'frobnicate'")]
    [TestCase(new[] { "validate" }, "name a kind")]
    [TestCase(new[] { "validate", "session" }, "unknown kind 'session'")]
    [TestCase(new[] { "validate", "request" }, "name at least one file")]
    [TestCase(new[] { "validate", "request", "/no/such/file.json" }, "no such file or folder: /no/such/file.json")]
    [TestCase(new[] { "validate", "request", "-", "--bogus" }, "unknown option '--bogus'")]
    [TestCase(new[] { "validate", "request", "-", "--schemas" }, "--schemas needs a folder")]
    [TestCase(new[] { "validate", "request", "-", "--schemas", "/no/such/dir" }, "schema file missing")]
    public async Task BadCommandLine_Exit2_WithAMessageNamingTheProblem(string[] args, string message)
    {
        var (code, _, error) = await Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error, Does.Contain(message));
        });
    }

    [Test]
    public async Task Help_ListsTheVerbsAndExitCodes()
    {
        var (code, output, _) = await Run(["validate", "--help"]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output, Does.Contain("request|properties|response").And.Contain("exit codes"));
        });
    }

    [Test]
    public async Task Fixtures_AllBehaveAsTheirExpectationsSay()
    {
        var (code, output, error) = await Run(["validate", "--schemas", Repo.Schemas, "--fixtures", Repo.Fixtures]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
            Assert.That(output, Does.Not.Contain("FAIL "));
            Assert.That(error, Does.Match(@"\d+ fixture check\(s\): \d+ as expected, 0 not"));
        });
    }

    [Test]
    public async Task Fixtures_ABrokenExpectation_IsReported_Exit1()
    {
        var root = Path.GetDirectoryName(Temp("x", []))!;
        Directory.CreateDirectory(Path.Combine(root, "request", "invalid"));
        File.WriteAllText(Path.Combine(root, "request", "invalid", "actually-valid.json"), "{}");
        File.WriteAllText(Path.Combine(root, "request", "invalid", "unlisted.json"), """{"x":1}""");
        File.WriteAllText(Path.Combine(root, "request", "expected-failures.json"),
            """{"actually-valid.json":{"pointer":"/x","requirement":"BODY-TOPLEVEL-ALLOWED","rule":"r"},"gone.json":{"pointer":"/y"}}""");
        var (code, output, _) = await Run(["validate", "--schemas", Repo.Schemas, "--fixtures", root]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Failed));
            Assert.That(output, Does.Contain("actually-valid.json: request, expected a violation at /x"));
            Assert.That(output, Does.Contain("unlisted.json has no entry"));
            Assert.That(output, Does.Contain("names gone.json, which is not in request/invalid/"));
        });
    }
}
