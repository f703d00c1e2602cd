using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Retrieval.Indexer.Server;

/// <summary>
/// Reads query-string numbers with messages that name the parameter, its range and what was sent
/// (model binding would answer a bare 400).
/// </summary>
internal static class RequestValues
{
    public static bool TryInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out ProblemHttpResult? problem)
    {
        problem = null;
        var values = request.Query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            value = fallback;
            return true;
        }

        if (values.Count > 1)
        {
            value = 0;
            problem = ApiProblems.BadRequest($"'{name}' was given {values.Count} times; give it once.");
            return false;
        }

        if (int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = ApiProblems.BadRequest($"'{name}' must be a whole number from {min} to {max} (got '{ApiProblems.Shorten(values[0])}').");
        return false;
    }
}
