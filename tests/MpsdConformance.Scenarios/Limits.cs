using System.Globalization;

namespace MpsdConformance.Scenarios;

/// <summary>
/// Account privileges and request limits. Both are opt-in: each needs a profile role a shared sandbox never has
/// by default (<c>unprivileged</c>: a user without the multiplayer privilege; <c>rateLimits</c>: the permission to
/// send a bounded burst), and ends not-applicable without it.
/// </summary>
public class Limits : Scenario
{
    private static Identity Unprivileged =>
        T.Profile.Unprivileged ?? throw new IgnoreException("not-applicable: the target profile names no user without the multiplayer privilege ('unprivileged')");

    [Test, Requirement("PRIVILEGE-403")]
    public async Task CreateByAUserWithoutTheMultiplayerPrivilege_Gets403_AndStoresNothing()
    {
        var unprivileged = Unprivileged;
        var session = T.NewSession();
        var reply = await T.Put(unprivileged, session, Join(unprivileged));
        Expect.Status(reply, HttpStatusCode.Forbidden, $"creating a session as {unprivileged.Name}, a user without the multiplayer privilege");
        await ExpectGone(session, "a refused create stores nothing: a privileged user finds no session");
    }

    [Test, Requirement("PRIVILEGE-403")]
    public async Task JoinByAUserWithoutTheMultiplayerPrivilege_GetsADocumentedReading()
    {
        // The docs speak of creating only: joining someone else's session may be allowed or refused.
        var unprivileged = Unprivileged;
        var (session, _) = await Create(Alice);
        var reply = await T.Put(unprivileged, session, Join(unprivileged));
        switch (reply.Status)
        {
            case HttpStatusCode.OK:
                Readings.Record("PRIVILEGE-403", "create-only");
                break;
            case HttpStatusCode.Forbidden:
                Readings.Record("PRIVILEGE-403", "join-too");
                break;
            default:
                Assert.Inconclusive(Expect.Explain($"{unprivileged.Name} (no multiplayer privilege) joining an open session answered neither 200 (joined) nor 403 (refused), so no reading can be told", reply));
                break;
        }
    }

    [Test, Requirement("RATE-429-503")]
    public async Task BurstPastTheRateLimit_IsRefused429WithJson_Or503WithRetryAfter()
    {
        var permission = T.Profile.RateLimits
            ?? throw new IgnoreException("not-applicable: the target profile grants no burst ('rateLimits'), so the suite never floods the target");
        var burst = await T.Burst(permission.User, permission.Burst);
        var counts = string.Join(", ", burst.Statuses.GroupBy(s => s).Select(g => $"{g.Count()} x {g.Key}"));
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{burst.Statuses.Count} GETs of one missing session as {permission.User.Name} in {burst.Elapsed.TotalMilliseconds:F0} ms (rateLimits.burst {permission.Burst}): {counts}");
        TestContext.Out.WriteLine(summary);
        if (burst.FirstRefusal is not { } refusal)
        {
            Assert.Inconclusive($"no request of the burst was refused: {summary}. A burst larger than the target's limit (rateLimits.burst, at most {TargetProfile.MaxBurst}) decides");
            return;
        }
        var status = (int)refusal.Status;
        var problem = ContractCheckingHandler.RefusalProblem(status, refusal.MediaType, refusal.Body, refusal.Headers.RetryAfter is not null)
            ?? (status is 429 or 503 ? null : $"{status} where the burst's first answer was {burst.Statuses[0]}: going over a limit is answered 429 (a JSON message) or 503 (with Retry-After)");
        if (problem is not null)
        {
            Assert.Fail(Expect.Explain($"request {burst.RefusedAt} of the burst, the first refused: {problem}\n{summary}", refusal));
        }
        Assert.Pass($"{summary}; request {burst.RefusedAt} was the first refused, with {status}");
    }
}
