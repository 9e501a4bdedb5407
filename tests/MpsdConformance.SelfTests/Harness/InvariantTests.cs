using System.Text.Json.Nodes;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>
/// The member-list invariants on large sessions: one entry keyed me and membersInfo describing the whole roster
/// pass, under every documented form of the me entry's next link; anything else is a finding of its requirement,
/// and a normal session's entry keyed me stays one.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class InvariantTests
{
    private static JsonObject Session(bool large, string members, string membersInfo = """{"first":0,"next":5,"count":3,"accepted":3}""") =>
        JsonNode.Parse("""{"constants":{"system":{"capabilities":{"large":""" + (large ? "true" : "false") + """}}},"properties":{"system":{}},"members":"""
            + members + ""","membersInfo":""" + membersInfo + "}")!.AsObject();

    private static string Me(string? next = null) =>
        """{"me":{"constants":{"system":{"xuid":"2814650000000001"}},"properties":{}""" + (next is null ? "" : ",\"next\":" + next) + "}}";

    [TestCase("3", TestName = "LargeSession_MeLinkingIntoTheRoster_IsValid")]
    [TestCase("5", TestName = "LargeSession_MeLinkingToMembersInfoNext_IsValid")]
    [TestCase(null, TestName = "LargeSession_MeWithoutALink_IsValid")]
    public void LargeSession_OneEntryKeyedMe_IsValid(string? next) =>
        Assert.That(Invariants.Check(Session(large: true, Me(next))), Is.Empty);

    [Test]
    public void LargeSession_ShownToANonMember_WithNoEntry_IsValid() =>
        Assert.That(Invariants.Check(Session(large: true, "{}")), Is.Empty);

    [TestCase("""{"0":{"constants":{},"properties":{},"next":1},"1":{"constants":{},"properties":{},"next":5}}""", "LARGE-ME-ONLY", TestName = "LargeSession_ListingMembersByIndex_IsALargeMeOnlyFinding")]
    [TestCase("""{"me":{"constants":{},"properties":{}},"2":{"constants":{},"properties":{}}}""", "LARGE-ME-ONLY", TestName = "LargeSession_ListingMoreThanTheCaller_IsALargeMeOnlyFinding")]
    public void LargeSession_ListingOthers_IsAFinding(string members, string requirement) =>
        Assert.That(Invariants.Check(Session(large: true, members)).Select(f => f.Requirement), Does.Contain(requirement));

    [TestCase("""{"first":0,"next":5,"count":0,"accepted":0}""", TestName = "LargeSession_CountingFewerThanListed_IsALinkedListFinding")]
    [TestCase("""{"first":0,"next":5,"count":3,"accepted":4}""", TestName = "LargeSession_AcceptingMoreThanCounted_IsALinkedListFinding")]
    public void LargeSession_MembersInfoNotDescribingTheRoster_IsAFinding(string membersInfo) =>
        Assert.That(Invariants.Check(Session(large: true, Me("3"), membersInfo)).Select(f => f.Requirement), Is.EqualTo(new[] { "RESP-LINKED-LIST" }));

    [TestCase("6"), TestCase("0")]
    public void LargeSession_MeLinkingOutsideTheRoster_IsALinkedListFinding(string next) =>
        Assert.That(Invariants.Check(Session(large: true, Me(next))).Select(f => f.Requirement), Is.EqualTo(new[] { "RESP-LINKED-LIST" }));

    [Test]
    public void NormalSession_WithAnEntryKeyedMe_IsAMembersKeysFinding() =>
        Assert.That(Invariants.Check(Session(large: false, Me("5"), """{"first":0,"next":5,"count":1,"accepted":1}""")).Select(f => f.Requirement),
            Is.EqualTo(new[] { "RESP-MEMBERS-KEYS" }));
}
