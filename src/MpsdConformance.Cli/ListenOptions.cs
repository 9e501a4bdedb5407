using System.CommandLine;
using System.Globalization;
using System.Net;

namespace MpsdConformance.Cli;

/// <summary>The <c>--port</c> and <c>--host</c> options of the verbs that listen (<c>serve</c>, <c>stub</c>).</summary>
internal static class ListenOptions
{
    /// <summary><c>--port N</c>: 0 to 65535, 0 picks a free port.</summary>
    public static Option<int> Port(int defaultPort) => new("--port")
    {
        HelpName = "N",
        Description = "port to listen on (0 picks a free one)",
        DefaultValueFactory = _ => defaultPort,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 65535)
            {
                result.AddError($"--port takes a number from 0 to 65535, not '{text}'");
            }
            return value;
        },
    };

    /// <summary><c>--host ADDRESS</c>: an IP address, loopback by default.</summary>
    public static Option<string> Host()
    {
        var host = new Option<string>("--host") { HelpName = "ADDRESS", Description = "address to bind", DefaultValueFactory = _ => "127.0.0.1" };
        host.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text && !IPAddress.TryParse(text, out _))
            {
                result.AddError($"--host takes an IP address such as 127.0.0.1, not '{text}'");
            }
        });
        return host;
    }

    /// <summary>Says how to stop, then waits for Ctrl-C or SIGTERM (<paramref name="stop"/>) and says it stopped.</summary>
    public static async Task ServeUntilStoppedAsync(TextWriter stdout, CancellationToken stop)
    {
        await stdout.WriteLineAsync("press Ctrl-C to stop");
        await stdout.FlushAsync(stop);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
        await stdout.WriteLineAsync("stopped");
    }
}
