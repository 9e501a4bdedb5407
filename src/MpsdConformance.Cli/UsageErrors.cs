using System.CommandLine;
using System.CommandLine.Parsing;

namespace MpsdConformance.Cli;

/// <summary>A parse that failed, told in one line: what is wrong and where the help is.</summary>
internal static class UsageErrors
{
    /// <summary>"mpsd", "mpsd &lt;verb&gt;" or "mpsd &lt;verb&gt; &lt;subcommand&gt;": how messages of that command begin.</summary>
    public static string Prefix(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent ? $"{Prefix(parent)} {command.Name}" : CommandLine.Name;

    /// <summary>
    /// The first problem of a parse in one line, e.g. <c>mpsd certify: unknown option '--bogus' (see 'mpsd certify --help')</c>;
    /// null when there is none, or when the help or the version was asked for.
    /// </summary>
    public static string? Find(ParseResult parsed)
    {
        if (parsed.Action is { ClearsParseErrors: true })
        {
            return null;
        }
        var command = parsed.CommandResult.Command;
        var message = Unknown(parsed, isRoot: !IsVerb(command)) ?? FirstError(parsed);
        if (message is null)
        {
            return null;
        }
        var prefix = Prefix(command);
        return $"{prefix}: {message} (see '{prefix} --help')";
    }

    // A word the parser did not place, or an unknown option a verb's arguments took in ("--" before them keeps them literal).
    private static string? Unknown(ParseResult parsed, bool isRoot)
    {
        if (parsed.UnmatchedTokens.Count > 0)
        {
            var token = parsed.UnmatchedTokens[0];
            return token.StartsWith('-') && token != "-" ? $"unknown option '{token}'"
                : isRoot ? $"unknown verb '{token}'"
                : $"unexpected argument '{token}'";
        }
        if (parsed.Tokens.Any(t => t.Type == TokenType.DoubleDash))
        {
            return null;
        }
        var optionLike = parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .FirstOrDefault(t => t.Value.Length > 2 && t.Value.StartsWith("--", StringComparison.Ordinal));
        return optionLike is null ? null : $"unknown option '{optionLike.Value}'";
    }

    // An option without its value first: the verb's own checks may only follow from it (and may hide it).
    private static string? FirstError(ParseResult parsed)
    {
        var missing = parsed.CommandResult.Children.OfType<OptionResult>()
            .FirstOrDefault(o => !o.Implicit && o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0);
        if (missing is not null)
        {
            return $"{missing.Option.Name} needs {ValueNoun(missing.Option.HelpName)}";
        }
        return parsed.Errors.OrderBy(e => e.SymbolResult is CommandResult ? 1 : 0).FirstOrDefault()?.Message.TrimEnd('.');
    }

    private static bool IsVerb(Command command) => command.Parents.OfType<Command>().Any();

    private static string ValueNoun(string? helpName) => helpName switch
    {
        "FILE" => "a file",
        "DIR" => "a folder",
        "N" => "a number",
        "ADDRESS" => "an IP address",
        "EXPR" => "an expression",
        "ID=VALUE" => "a REQUIREMENT-ID=READING pair",
        "SET" => "a set of readings",
        "NAMES" => "names",
        "NAME" => "a name",
        _ => "a value",
    };
}
