using System.Text.Json;
using System.Text.Json.Serialization;

namespace MpsdConformance.Reporting;

/// <summary>JSON options of the report files (verdicts.json, Allure results): camelCase, indented, nulls left out, every string through <see cref="ReportText.Plain"/>.</summary>
internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { ReportText.PlainStrings },
    };
}
