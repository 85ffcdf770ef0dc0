using System.Net;
using System.Text;
using System.Text.Json;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Aot;

/// <summary>
/// What an operator reads when something is wrong, from the engine binary itself: bad configs
/// given to <c>validate</c> and <c>run</c>, and bad admin PUTs. Every line must be a sentence
/// with no bare framework resource key (<see cref="OperatorMessage"/>). The same cases run
/// against the JIT build (<see cref="JitOperatorMessageTests"/>) and the native-AOT binary
/// (<see cref="AotOperatorMessageTests"/>), where trimming options decide whether the framework's
/// messages survive at all.
/// </summary>
public abstract class OperatorMessageTests : IDisposable
{
    private readonly EngineCommand _engine;
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-messages-").FullName;

    protected OperatorMessageTests(EngineCommand engine) => _engine = engine;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static string Config(int port, string rule = "PathPrefix(`/`)", string extra = "") => $$"""
        {{extra}}
        [entrypoints.web]
        address = "127.0.0.1:{{port}}"

        [routers.x]
        rule = "{{rule}}"
        service = "app"

        [services.app.load_balancer]
        [[services.app.load_balancer.servers]]
        url = "http://127.0.0.1:3000"
        """;

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <c>engine validate</c>, expects exit 1, checks every line, and returns stderr.</summary>
    private string ValidateFails(string path)
    {
        (int exit, string stdout, string stderr) = _engine.Run($"validate --config {path}");
        Assert.True(exit == 1, $"the {_engine.Name} engine's validate exited {exit}: {stdout}{stderr}");
        OperatorMessage.AssertAllReadable(stderr, $"{_engine.Name} validate");
        return stderr;
    }

    [Fact]
    public void Validate_BadRegex_QuotesThePattern_AndGivesTheRegexParsersReason()
    {
        string error = ValidateFails(Write("regex.toml", Config(TestTools.FreePort(), rule: "PathRegexp(`[unclosed`)")));

        Assert.Contains("routers.x.rule: PathRegexp(`[unclosed`): invalid regular expression at column 12: unterminated [] set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownKeyAndBadDuration_AreSentences()
    {
        string error = ValidateFails(Write("keys.toml", Config(TestTools.FreePort(), extra: "bogus = 1\ndrain_timeout = \"soon\"")));

        Assert.Contains("bogus: unknown key 'bogus'", error, StringComparison.Ordinal);
        Assert.Contains("drain_timeout: 'soon' is not a duration", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingConfigFile_SaysSo()
    {
        string error = ValidateFails(Path.Combine(_directory, "absent.toml"));

        Assert.Contains("absent.toml", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AccessLogInAMissingDirectory_NamesTheDirectory()
    {
        string missing = Path.Combine(_directory, "no-such-directory");
        string path = Write("log.toml", Config(TestTools.FreePort()) + $"\n[access_log]\npath = \"{missing}/access.log\"\n");

        (int exit, string stdout, string stderr) = _engine.Run($"run --config {path} --log-level warning");

        Assert.True(exit == 1, $"the {_engine.Name} engine's run exited {exit}: {stdout}{stderr}");
        OperatorMessage.AssertAllReadable(stdout + stderr, $"{_engine.Name} run");
        Assert.Contains($"cannot open the access log '{missing}/access.log': the directory {missing} does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminPut_MalformedUnknownAndMistypedJson_IsAnsweredInSentences()
    {
        int port = TestTools.FreePort();
        int adminPort = TestTools.FreePort();
        string path = Write("admin.toml", Config(port) + $"\n[admin]\naddress = \"127.0.0.1:{adminPort}\"\n");
        string validRest = $$"""
            "entrypoints": [{ "name": "web", "address": "127.0.0.1:{{port}}" }],
            "services": [{ "name": "app", "destinations": [{ "address": "http://127.0.0.1:3000" }] }]
            """;

        await _engine.RunWhileAsync(path, new IPEndPoint(IPAddress.Loopback, adminPort), async () =>
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(30) };
            async Task<string> PutFails(string json)
            {
                using HttpResponseMessage response = await client.PutAsync("/api/gateway/config", new StringContent(json, Encoding.UTF8, "application/json"));
                string body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"PUT {json} answered {(int)response.StatusCode}: {body}");
                string[] errors = [.. JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)];
                OperatorMessage.AssertAllReadable(string.Join('\n', errors), $"{_engine.Name} admin PUT {json}");
                return string.Join('\n', errors);
            }

            string malformed = await PutFails("{\n  \"drain_timeout\" \"30s\"\n}");
            Assert.StartsWith("line 2, byte 19 ($): ", malformed, StringComparison.Ordinal);
            Assert.Contains("Expected a ':'", malformed, StringComparison.Ordinal);

            Assert.Contains("unknown key 'bogus' in the gateway configuration.", await PutFails("{ \"bogus\": 1 }"), StringComparison.Ordinal);
            Assert.Contains("($.entrypoints): the value is not a list (a JSON array).", await PutFails("{ \"entrypoints\": 5 }"), StringComparison.Ordinal);
            Assert.Contains("($.routers[0].name): 'name' in the router section cannot be null.", await PutFails("{ \"routers\": [{ \"name\": null, \"rule\": \"x\", \"service\": \"s\" }] }"), StringComparison.Ordinal);
            Assert.Contains(
                "($.services[0].destinations[0].weight): the value has the wrong type, or is not one of the allowed values.",
                await PutFails("{ \"services\": [{ \"name\": \"a\", \"destinations\": [{ \"address\": \"x\", \"weight\": \"2\" }] }] }"),
                StringComparison.Ordinal);
            Assert.Contains(
                "PathRegexp(`[x`): invalid regular expression at column 12: unterminated [] set",
                await PutFails($$"""{ {{validRest}}, "routers": [{ "name": "x", "rule": "PathRegexp(`[x`)", "service": "app" }] }"""),
                StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Version_AgreesWithTheBuildInfoMetric()
    {
        (int exit, string version, string stderr) = _engine.Run("version");
        Assert.True(exit == 0, stderr);
        int port = TestTools.FreePort();
        int adminPort = TestTools.FreePort();
        string path = Write("version.toml", Config(port) + $"\n[admin]\naddress = \"127.0.0.1:{adminPort}\"\n");
        string metrics = "";

        await _engine.RunWhileAsync(path, new IPEndPoint(IPAddress.Loopback, adminPort), async () =>
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            metrics = await client.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics");
        });

        // engine 1.0.0+abc (.NET 10.0.0, JIT)  <->  engine_build_info{version="1.0.0+abc",runtime=".NET 10.0.0"} 1
        string buildInfo = Assert.Single(metrics.Split('\n'), line => line.StartsWith("engine_build_info{", StringComparison.Ordinal));
        string labelVersion = Label(buildInfo, "version");
        string labelRuntime = Label(buildInfo, "runtime");
        Assert.Equal($"engine {labelVersion} ({labelRuntime}, {_engine.Name})", version.Trim());
    }

    private static string Label(string sample, string name)
    {
        string start = $"{name}=\"";
        int from = sample.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return sample[from..sample.IndexOf('"', from)];
    }
}

public sealed class JitOperatorMessageTests() : OperatorMessageTests(EngineCommand.Jit);

public sealed class AotOperatorMessageTests(AotBinaryFixture aot) : OperatorMessageTests(aot.Command), IClassFixture<AotBinaryFixture>;
