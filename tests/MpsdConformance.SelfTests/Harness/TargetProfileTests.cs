namespace MpsdConformance.SelfTests.Harness;

public class TargetProfileTests
{
    private const string Valid = """
        {"baseUrl":"http://127.0.0.1:5080","scid":"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11","contractVersion":107,
         "templates":{"open":"quick","private":"closed-club"},
         "users":[{"name":"alice","xuid":"2814650000000001","headers":{"Authorization":"XBL3.0 x=1001;${ALICE_TOKEN}"}},
                  {"name":"bob","xuid":"2814650000000002","headers":{"Authorization":"XBL3.0 x=1002;bob-token-value"}},
                  {"name":"carol","xuid":"2814650000000003","headers":{"Authorization":"XBL3.0 x=1003;carol-token-value"}}],
         "server":{"headers":{"Authorization":"XBL3.0 x=9999;server-token-value"}}}
        """;

    // The same profile with both opt-in roles: a user without the multiplayer privilege, and a burst permission.
    private static readonly string WithRoles = Valid.TrimEnd()[..^1] + """
        ,"unprivileged":{"name":"erin","xuid":"2814650000000005","headers":{"Authorization":"XBL3.0 x=1005;${ERIN_TOKEN}"}},
         "rateLimits":{"burst":60,"user":"bob"}}
        """;

    private static string? Env(string name) => name switch
    {
        "ALICE_TOKEN" => "alice-secret-token",
        "ERIN_TOKEN" => "erin-secret-token",
        _ => null,
    };

    [Test]
    public void ValidProfile_IsRead_WithVariablesSubstituted_AndEveryHeaderValueASecret()
    {
        var profile = TargetProfile.Parse(Valid, "test", Env);
        Assert.Multiple(() =>
        {
            Assert.That(profile.Users[0].Headers["Authorization"], Is.EqualTo("XBL3.0 x=1001;alice-secret-token"));
            Assert.That(profile.Template("private"), Is.EqualTo("closed-club"));
            Assert.That(profile.Server, Is.Not.Null);
            Assert.That(profile.Secrets, Has.Count.EqualTo(4).And.Contains("XBL3.0 x=1001;alice-secret-token"));
            Assert.That(profile.Unprivileged, Is.Null, "the opt-in roles are absent unless the profile names them");
            Assert.That(profile.RateLimits, Is.Null);
        });
    }

    [Test]
    public void OptInRoles_AreRead_AndTheUnprivilegedUsersHeadersAreSecretsToo()
    {
        var profile = TargetProfile.Parse(WithRoles, "test", Env);
        var redactor = new Redactor(profile.Secrets);
        Assert.Multiple(() =>
        {
            Assert.That(profile.Unprivileged?.Name, Is.EqualTo("erin"));
            Assert.That(profile.Unprivileged?.Xuid, Is.EqualTo("2814650000000005"));
            Assert.That(profile.Users.Select(u => u.Name), Is.EqualTo(new[] { "alice", "bob", "carol" }), "the unprivileged user is none of the users");
            Assert.That(profile.RateLimits?.Burst, Is.EqualTo(60));
            Assert.That(profile.RateLimits?.User.Name, Is.EqualTo("bob"));
            Assert.That(profile.Secrets, Has.Count.EqualTo(5).And.Contains("XBL3.0 x=1005;erin-secret-token"));
            Assert.That(redactor.Redact("sent XBL3.0 x=1005;erin-secret-token, echoed erin-secret-token"), Is.EqualTo("sent ***, echoed ***"));
            Assert.That(profile.WithSource("again").Unprivileged, Is.SameAs(profile.Unprivileged));
        });
    }

    [Test]
    public void RateLimitsWithoutAUser_BurstAsTheFirstUser()
    {
        var profile = TargetProfile.Parse(WithRoles.Replace(",\"user\":\"bob\"", "", StringComparison.Ordinal), "test", Env);
        Assert.That(profile.RateLimits?.User.Name, Is.EqualTo("alice"));
    }

    [TestCase("\"burst\":60", "\"burst\":1", "rateLimits.burst: a whole number from 2 to 500")]
    [TestCase("\"burst\":60", "\"burst\":501", "rateLimits.burst: a whole number from 2 to 500")]
    [TestCase("\"burst\":60", "\"burst\":\"60\"", "rateLimits.burst: a whole number from 2 to 500")]
    [TestCase("\"user\":\"bob\"", "\"user\":\"zed\"", "rateLimits.user: the name of one of users (alice, bob, carol)")]
    [TestCase("\"user\":\"bob\"", "\"user\":\"bob\",\"window\":10", "rateLimits.window: unknown field; the fields are burst and user")]
    [TestCase("{\"burst\":60,\"user\":\"bob\"}", "60", "rateLimits: an object {\"burst\": 60")]
    [TestCase("\"xuid\":\"2814650000000005\"", "\"xuid\":\"2814650000000001\"", "unprivileged.xuid: the user without the multiplayer privilege must be another account")]
    [TestCase("\"xuid\":\"2814650000000005\"", "\"xuid\":\"erin\"", "unprivileged.xuid: a xuid is a decimal number")]
    [TestCase(",\"headers\":{\"Authorization\":\"XBL3.0 x=1005;${ERIN_TOKEN}\"}", "", "unprivileged.headers: required")]
    [TestCase("${ERIN_TOKEN}", "${NO_ERIN_TOKEN}", "unprivileged.headers.Authorization: environment variable NO_ERIN_TOKEN is not set")]
    public void BadOptInRole_IsRefused_NamingTheFieldAndTheFix(string find, string replace, string message)
    {
        var ex = Assert.Throws<ProfileException>(() => TargetProfile.Parse(WithRoles.Replace(find, replace, StringComparison.Ordinal), "p.json", Env));
        Assert.That(ex!.Message, Does.Contain("target profile p.json").And.Contain(message));
    }

    [TestCase("${ALICE_TOKEN}", "${NOPE_TOKEN}", "environment variable NOPE_TOKEN is not set")]
    [TestCase("\"open\":\"quick\",", "", "templates.open: required")]
    [TestCase("http://127.0.0.1:5080", "ftp://x", "baseUrl: 'ftp://x' is not an http(s) URL")]
    [TestCase("\"2814650000000002\"", "\"bob\"", "users[1].xuid: a xuid is a decimal number")]
    [TestCase("\"contractVersion\":107", "\"contractVersion\":99", "contractVersion: a whole number, 104 or later")]
    [TestCase("\"scid\":\"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11\"", "\"scid\":\"my-title\"", "scid: 'my-title' is not a GUID")]
    [TestCase("\"contractVersion\":107", "\"contractVersion\":107,\"tokens\":1", "tokens: unknown field")]
    [TestCase("{\"name\":\"carol\",\"xuid\":\"2814650000000003\",\"headers\":{\"Authorization\":\"XBL3.0 x=1003;carol-token-value\"}}", "{\"name\":\"carol\",\"xuid\":\"2814650000000002\",\"headers\":{\"Authorization\":\"x\"}}", "every user needs a different xuid")]
    public void BadProfile_IsRefused_NamingTheFieldAndTheFix(string find, string replace, string message)
    {
        var ex = Assert.Throws<ProfileException>(() => TargetProfile.Parse(Valid.Replace(find, replace, StringComparison.Ordinal), "p.json", Env));
        Assert.That(ex!.Message, Does.Contain("target profile p.json").And.Contain(message));
    }

    [Test]
    public void Settings_EnvironmentWins_OverRunSettings_OverDefaults()
    {
        var settings = HarnessSettings.Read(
            name => name == "MPSD_MAX_RETRIES" ? "5" : null,
            name => name is "MPSD_MAX_RETRIES" or "MPSD_REQUEST_TIMEOUT_SECONDS" ? "3" : null);
        Assert.Multiple(() =>
        {
            Assert.That(settings.MaxRetries, Is.EqualTo(5));
            Assert.That(settings.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(settings.MaxRequestsPerSecond, Is.Zero);
        });
    }

    [Test]
    public void Settings_BadValue_NamesTheSettingAndWhereItCameFrom()
    {
        var ex = Assert.Throws<ProfileException>(() => HarnessSettings.Read(_ => null, name => name == "MPSD_REQUEST_TIMEOUT_SECONDS" ? "soon" : null));
        Assert.That(ex!.Message, Does.Contain("runsettings parameter MPSD_REQUEST_TIMEOUT_SECONDS is 'soon'"));
    }

    [Test]
    public void Redactor_MasksRawBase64AndBareTokens()
    {
        var redactor = new Redactor(["XBL3.0 x=1001;alice-secret-token"]);
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("XBL3.0 x=1001;alice-secret-token"));
        var text = redactor.Redact($"a: XBL3.0 x=1001;alice-secret-token b: {base64} c: alice-secret-token");
        Assert.That(text, Is.EqualTo("a: *** b: *** c: ***"));
    }
}
