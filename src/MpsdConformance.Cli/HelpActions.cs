using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace MpsdConformance.Cli;

/// <summary>
/// The generated help, wrapped at a fixed width (it goes to a writer, not necessarily a terminal), without trailing spaces. Descriptions are
/// written as paragraphs (lines joined, a blank line between paragraphs, an indented line kept as it is); a verb's
/// first paragraph is its summary: the list of verbs shows only that, the verb's own help all of it.
/// </summary>
internal sealed class SummarizedHelpAction : SynchronousCommandLineAction
{
    private const int Width = 100;

    /// <inheritdoc />
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        command.Description = Paragraphs(command.Description);
        foreach (var verb in command.Subcommands)
        {
            verb.Description = Paragraphs(verb.Description)?.Split('\n')[0];
        }
        // The generated text pads wrapped lines with spaces: render it aside, then write it without them.
        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        var text = new StringWriter();
        configuration.Output = text;
        try
        {
            new HelpAction { MaxWidth = Width }.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }
        foreach (var line in text.ToString().TrimEnd().ReplaceLineEndings("\n").Split('\n'))
        {
            output.WriteLine(line.TrimEnd());
        }
        return ExitCodes.Ok;
    }

    private static string? Paragraphs(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var result = new StringBuilder();
        var joinable = false;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                result.Append("\n\n");
                joinable = false;
            }
            else if (joinable && !char.IsWhiteSpace(line[0]))
            {
                result.Append(' ').Append(line);
            }
            else
            {
                if (result.Length > 0 && result[^1] != '\n')
                {
                    result.Append('\n');
                }
                result.Append(line);
                joinable = !char.IsWhiteSpace(line[0]);
            }
        }
        return result.ToString();
    }
}

/// <summary><c>mpsd --version</c>: the tool's assembly version.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <inheritdoc />
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "0");
        return ExitCodes.Ok;
    }
}
