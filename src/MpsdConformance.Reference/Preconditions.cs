namespace MpsdConformance.Reference;

/// <summary>If-Match and If-None-Match on writes.</summary>
internal static class Preconditions
{
    internal static void Check(Session? live, Conditions conditions)
    {
        if (conditions.IfMatch is { } ifMatch)
        {
            if (live is null)
            {
                if (!(ifMatch.Trim() == "*" && Faults.Active(FaultKind.IfMatchStarCreates)))
                {
                    throw new MpsdError(412, "If-Match could not be satisfied: the session does not exist");
                }
            }
            else if (!ETags.MatchesOrStar(ifMatch, live.ETag))
            {
                throw new MpsdError(412, "If-Match could not be satisfied", Faults.Active(FaultKind.PreconditionFailedWithoutSession) ? null : live);
            }
        }
        if (conditions.IfNoneMatch is { } ifNoneMatch && live is not null && ETags.MatchesOrStar(ifNoneMatch, live.ETag)
            && !Faults.Active(FaultKind.IfNoneMatchIgnoredOnWrites))
        {
            throw new MpsdError(412, "If-None-Match could not be satisfied: the session exists", live);
        }
    }
}

/// <summary>Strong, opaque ETags.</summary>
internal static class ETags
{
    /// <summary>A new tag: quoted, or bare under ETAG-PRESENT's bare reading.</summary>
    public static string New(bool bare = false)
    {
        var token = Guid.NewGuid().ToString("N").ToUpperInvariant();
        return bare ? token : "\"" + token + "\"";
    }

    /// <summary>True when any entity tag of a header list equals <paramref name="current"/> (strong comparison; quotes optional).</summary>
    public static bool Matches(string header, string current)
    {
        var bare = current.Trim('"');
        foreach (var raw in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith("W/", StringComparison.Ordinal))
            {
                continue;
            }
            if (string.Equals(raw.Trim('"'), bare, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the header is <c>*</c> (any session) or <see cref="Matches"/> <paramref name="current"/>.</summary>
    public static bool MatchesOrStar(string header, string current) => header.Trim() == "*" || Matches(header, current);
}
