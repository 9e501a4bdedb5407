using System.Text.Json.Nodes;

namespace MpsdConformance.Harness;

/// <summary>Consistency rules of a session document no schema can express.</summary>
public static class Invariants
{
    /// <summary>Every broken rule, each tied to its ledger ID.</summary>
    public static List<ContractFinding> Check(JsonObject session)
    {
        var found = new List<ContractFinding>();
        void Add(string id, string message) => found.Add(new ContractFinding(id, message, ""));
        var members = session["members"] as JsonObject ?? [];
        if (session["membersInfo"] is not JsonObject info)
        {
            if (members.Count > 0)
            {
                Add("RESP-REQUIRED-SECTIONS", "members without membersInfo");
            }
            return found;
        }
        int Int(string name) => info[name] is JsonValue v && v.TryGetValue(out int i) ? i : -1;
        int first = Int("first"), next = Int("next"), count = Int("count"), accepted = Int("accepted");
        if (IsLarge(session))
        {
            CheckLarge(members, first, next, count, accepted, Add);
            return found; // a large session lists the caller alone; the list cannot be walked
        }
        if (members.ContainsKey("me"))
        {
            Add("RESP-MEMBERS-KEYS", "members holds an entry keyed me, but the session is not large (constants.system.capabilities.large is not true): its members are keyed by index");
            return found;
        }
        var visited = 0;
        var at = first;
        var seen = new HashSet<int>();
        while (at != next && visited <= members.Count)
        {
            if (!seen.Add(at) || Roster.At(members, at) is not JsonObject member)
            {
                Add("RESP-LINKED-LIST", $"the member list from membersInfo.first {first} reaches {at}, which is {(seen.Contains(at) ? "a loop" : "not a member")}");
                break;
            }
            visited++;
            at = member["next"] is JsonValue n && n.TryGetValue(out int to) ? to : next;
        }
        if (count >= 0 && (visited != count || members.Count != count))
        {
            Add("RESP-LINKED-LIST", $"membersInfo.count is {count}, the list walks {visited} members, members holds {members.Count}");
        }
        // A reservation shows reserved: true, or pending: true (the older name, RESP-LINKED-LIST's not-pending reading).
        var notReserved = members.Count(m => !IsReservation(m.Value));
        if (accepted >= 0 && accepted != notReserved)
        {
            Add("RESP-LINKED-LIST", $"membersInfo.accepted is {accepted}, but {notReserved} members are not reserved");
        }
        var turn = session["properties"]?["system"]?["turn"] as JsonArray;
        foreach (var (key, member) in members)
        {
            // Compared by index, so a key with leading zeros (RESP-MEMBERS-KEYS's to judge) still matches its turn entry.
            var index = int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : key;
            var listed = turn?.Any(t => t?.ToJsonString() == index) == true;
            var flagged = member?["turn"] is JsonValue f && f.TryGetValue(out bool isTurn) && isTurn;
            if (listed != flagged)
            {
                Add("PROPS-TURN-SHAPE", $"member {key} {(flagged ? "shows turn: true but is not" : "is")} in properties.system.turn{(flagged ? "" : " but does not show turn: true")}");
            }
        }
        return found;
    }

    /// <summary>True when a session document is a large session's: <c>constants.system.capabilities.large</c> is true.</summary>
    public static bool IsLarge(JsonObject session) => Flag(session["constants"]?["system"]?["capabilities"], "large");

    /// <summary>
    /// A large session's answer: at most one entry, keyed me (LARGE-ME-ONLY), and membersInfo describing the whole
    /// roster, so it counts at least that entry, accepts no more than it counts, and the entry's next link (where
    /// there is one: the readings differ on it) stays within membersInfo.first and membersInfo.next (RESP-LINKED-LIST).
    /// </summary>
    private static void CheckLarge(JsonObject members, int first, int next, int count, int accepted, Action<string, string> add)
    {
        var others = members.Select(m => m.Key).Where(k => k != "me").ToList();
        if (others.Count > 0)
        {
            add("LARGE-ME-ONLY", $"a large session lists at most one member entry, keyed me (the caller); this answer lists {string.Join(", ", others.Take(5))}");
        }
        if (count >= 0 && count < members.Count)
        {
            add("RESP-LINKED-LIST", $"membersInfo.count is {count}, but the answer lists {members.Count} member entries");
        }
        if (count >= 0 && accepted > count)
        {
            add("RESP-LINKED-LIST", $"membersInfo.accepted is {accepted}, more than membersInfo.count {count}");
        }
        if (members["me"]?["next"] is JsonValue link && link.TryGetValue(out int to) && first >= 0 && next >= 0 && (to <= first || to > next))
        {
            add("RESP-LINKED-LIST", $"the me entry's next link is {to}, outside membersInfo.first {first} (exclusive) to membersInfo.next {next}");
        }
    }

    /// <summary>True when a member entry is a reservation: <c>reserved: true</c>, or <c>pending: true</c> (the older name).</summary>
    public static bool IsReservation(JsonNode? member) => Flag(member, "reserved") || Flag(member, "pending");

    private static bool Flag(JsonNode? member, string name) => member?[name] is JsonValue v && v.TryGetValue(out bool on) && on;
}
