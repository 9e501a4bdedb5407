namespace MpsdConformance.Scenarios;

/// <summary>
/// The suite is a library of NUnit scenarios: 'mpsd certify' runs it in-process, 'dotnet test' through VSTest.
/// This entry point only says so (a test project must be an executable).
/// </summary>
public static class Program
{
    /// <summary>Prints how to run the suite; exit code 2.</summary>
    public static int Main()
    {
        Console.Error.WriteLine("MpsdConformance.Scenarios is run by 'mpsd certify' (or 'dotnet test tests/MpsdConformance.Scenarios --settings runsettings.xml')");
        return 2;
    }
}
