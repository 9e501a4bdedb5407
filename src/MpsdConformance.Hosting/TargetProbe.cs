using System.Globalization;

namespace MpsdConformance.Hosting;

/// <summary>One GET before a run, so a target that is not there ends the run at once with a clear line.</summary>
public static class TargetProbe
{
    /// <summary>Null when the target answered anything; else why not (redacted).</summary>
    public static async Task<string?> CheckAsync(TargetProfile profile, TimeSpan timeout, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"{profile.BaseUrl.ToString().TrimEnd('/')}/serviceconfigs/{profile.Scid}/sessiontemplates/{profile.Templates["open"]}/sessions/{Guid.NewGuid()}");
        foreach (var (name, value) in profile.Users[0].Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation("X-Xbl-Contract-Version", profile.ContractVersion.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var _ = await http.SendAsync(request, stop);
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            return new Redactor(profile.Secrets).Redact($"{profile.BaseUrl}: {TargetUnreachableException.Why(e)}");
        }
    }
}
