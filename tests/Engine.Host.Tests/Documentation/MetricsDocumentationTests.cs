using System.Text.RegularExpressions;
using Engine.Core.Configuration;
using Engine.Host.Tests.Configuration;
using Engine.Host.Tests.Proxy;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Documentation;

/// <summary>
/// docs/metrics.md lists every family the exporter writes, in its "Every family" table. A running
/// gateway configured so that every optional family appears (a middleware, an access log, an
/// upstream pool) is scraped through its admin endpoint, and the scrape and the table must name
/// the same families, so that the page cannot fall behind the exporter nor describe a family
/// that is gone.
/// </summary>
public sealed partial class MetricsDocumentationTests
{
    private static readonly string s_page = Path.Combine(ExampleConfigTests.RepositoryRoot(), "docs", "metrics.md");

    [Fact]
    public async Task EveryFamilyInALiveScrape_IsListedInMetricsDocumentation()
    {
        HashSet<string> documented = DocumentedFamilies();
        string[] scraped = await ScrapeFamiliesAsync();

        string[] missing = [.. scraped.Where(family => !documented.Contains(family))];
        Assert.True(missing.Length == 0, $"docs/metrics.md does not list: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task EveryFamilyListedInMetricsDocumentation_IsInALiveScrape()
    {
        HashSet<string> scraped = [.. await ScrapeFamiliesAsync()];

        // process_max_fds is read from /proc: the exporter leaves it out elsewhere.
        string[] gone = [.. DocumentedFamilies().Where(family => !scraped.Contains(family) && !(family == "process_max_fds" && !OperatingSystem.IsLinux()))];
        Assert.True(gone.Length == 0, $"docs/metrics.md lists families the engine does not export: {string.Join(", ", gone)}");
    }

    /// <summary>The names in the first column of the "Every family" table.</summary>
    private static HashSet<string> DocumentedFamilies()
    {
        string text = File.ReadAllText(s_page).Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = text.IndexOf("\n## Every family\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/metrics.md has no '## Every family' section.");
        int end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? text[start..] : text[start..end];
        HashSet<string> families = [.. TableRowName().Matches(section).Select(m => m.Groups["name"].Value)];
        Assert.NotEmpty(families);
        return families;
    }

    private static async Task<string[]> ScrapeFamiliesAsync()
    {
        string directory = Directory.CreateTempSubdirectory("engine-metrics-doc-").FullName;
        try
        {
            await using var origin = ScriptedOrigin.Fixed();
            await using ProxyHarness proxy = await ProxyHarness.StartAsync(
                [origin.Url],
                routers: [new RouterConfig("all", "PathPrefix(`/`)", "origin") { Middlewares = ["strip"] }],
                admin: new AdminConfig { Address = "127.0.0.1:0" },
                accessLog: new AccessLogConfig { Path = Path.Combine(directory, "access.log") },
                middlewares: [new MiddlewareConfig("strip", "strip-prefix") { Options = new OrderedDictionary<string, object> { ["prefixes"] = new List<object> { "/api" } } }]);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using (HttpResponseMessage response = await client.GetAsync($"{proxy.Url}/api/item"))
            {
                Assert.Equal(200, (int)response.StatusCode);
            }

            string scrape = await client.GetStringAsync($"http://{proxy.Gateway.AdminEndPoint}/metrics");
            string[] families = [.. TypeLine().Matches(scrape).Select(m => m.Groups["name"].Value)];
            Assert.Contains("engine_upstream_pool_connections", families);
            Assert.Contains("engine_access_log_lines_total", families);
            Assert.Contains("engine_middleware_requests_total", families);
            return families;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^\| `(?<name>[a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRowName();
}
