using System.Text;
using Engine.Http.Http1;
using Engine.TestSupport;
using Xunit.Abstractions;

namespace Engine.Http.Tests.Conformance;

/// <summary>
/// Runs llhttp's own strict test cases through our parsers: we must reject exactly the inputs
/// llhttp rejects and accept the rest, except where our rules differ on purpose, each listed
/// below with the reason. A listed case that stops differing fails too, so the list stays true.
/// </summary>
public class LlhttpConformanceTests(ITestOutputHelper output)
{
    private const string Folder = "llhttp/test";

    /// <summary>Cases where we deliberately disagree with llhttp, and why.</summary>
    private static readonly Dictionary<string, string> Differences = new(StringComparer.Ordinal)
    {
        ["request/invalid: HTTP protocol and ANNOUNCE method"] = "any token is a method (RFC 9110 §9.1); llhttp keeps a fixed list per protocol",
        ["request/invalid: Invalid method"] = "MKCOLA is a valid token method for us; llhttp knows only MKCOL",
        ["request/invalid: Invalid HTTP version"] = "input ends before the CRLF; we judge a line when its CRLF arrives (HTTP/5.6 then gets 505)",
        ["request/method: M-SEARCH request"] = "asterisk-form only with OPTIONS (RFC 9112 §3.2.4); SSDP's M-SEARCH * is not HTTP for a proxy",
        ["request/method: SOURCE request with ICE"] = "only HTTP/1.0 and HTTP/1.1; ICE/1.0 is not HTTP",
        ["request/method: OPTIONS request with RTSP"] = "only HTTP/1.0 and HTTP/1.1; RTSP/1.0 is not HTTP",
        ["request/method: ANNOUNCE request with RTSP"] = "only HTTP/1.0 and HTTP/1.1; RTSP/1.0 is not HTTP",
        ["request/method: PRI request HTTP2"] = "the HTTP/2 preface is the connection's business (ALPN or prior knowledge), not the HTTP/1.1 parser's",
        ["request/sample: No HTTP version"] = "HTTP/0.9 request lines are refused",
        ["request/uri: `host:port` and basic auth"] = "userinfo in a target is refused (RFC 9110 §4.2.4: deprecated, a routing hazard)",
        ["response/sample: RTSP response"] = "only HTTP/1.0 and HTTP/1.1 status lines; RTSP is not HTTP",
        ["response/sample: ICE response"] = "only HTTP/1.0 and HTTP/1.1 status lines; ICE is not HTTP",
        ["response/sample: HTTP version 0.9"] = "HTTP/0.9 responses are refused",
    };

    [TestDataFact(Folder)]
    public void LlhttpStrictCases_RejectExactlyWhereLlhttpRejects()
    {
        List<LlhttpCase> cases = LoadCases();
        List<LlhttpCase> strict = [.. cases.Where(c => c.IsStrict)];
        Assert.NotEmpty(strict);

        int agreed = 0, hostAdded = 0;
        var unexpected = new List<string>();
        var stale = new List<string>();
        foreach (LlhttpCase testCase in strict)
        {
            StreamVerdict verdict = RunWithHost(testCase, out bool addedHost);
            hostAdded += addedHost ? 1 : 0;
            // Both must refuse, and in the same message: the stream must not be judged differently
            // from a message boundary on.
            bool agrees = verdict.Rejected == testCase.LlhttpRejects
                && (!verdict.Rejected || verdict.Messages == testCase.CompletedBeforeError);
            bool listed = Differences.ContainsKey(testCase.Name);
            if (agrees)
            {
                agreed++;
                if (listed)
                {
                    stale.Add($"{testCase.Name}: listed as a difference but now agrees ({verdict})");
                }
            }
            else if (!listed)
            {
                unexpected.Add($"{testCase.Name}: llhttp {(testCase.LlhttpRejects ? $"rejects after {testCase.CompletedBeforeError} complete message(s) ({testCase.Error})" : "accepts")}, we {verdict}");
            }
        }

        output.WriteLine($"llhttp: {cases.Count} cases, {strict.Count} strict, {agreed} agree, {Differences.Count} listed differences, " +
            $"{hostAdded} needed a Host line added (llhttp does not require Host), {cases.Count - strict.Count} lenient skipped.");
        foreach (KeyValuePair<string, string> difference in Differences)
        {
            output.WriteLine($"  difference: {difference.Key}: {difference.Value}");
        }
        Assert.True(unexpected.Count == 0 && stale.Count == 0, string.Join("\n", unexpected.Concat(stale)));
        Assert.Equal(strict.Count, agreed + Differences.Count);
    }

    /// <summary>
    /// llhttp does not enforce RFC 9112 §3.2's Host rule and most of its request cases omit Host.
    /// When that is all we object to, a Host line goes after the request line of the message
    /// concerned and the case runs again, so every other rule is still compared.
    /// </summary>
    private static StreamVerdict RunWithHost(LlhttpCase testCase, out bool addedHost)
    {
        byte[] input = testCase.Input;
        addedHost = false;
        while (true)
        {
            StreamVerdict verdict = MessageStream.Run(input, testCase.IsResponse, testCase.SkipBody);
            if (!verdict.Rejected || verdict.Reason != nameof(RequestRejectionReason.MissingHost))
            {
                return verdict;
            }
            int lineEnd = input.AsSpan(verdict.MessageStart).IndexOf("\r\n"u8) + verdict.MessageStart + 2;
            input = [.. input.AsSpan(0, lineEnd), .. "Host: llhttp.test\r\n"u8, .. input.AsSpan(lineEnd)];
            addedHost = true;
        }
    }

    private static List<LlhttpCase> LoadCases()
    {
        var cases = new List<LlhttpCase>();
        foreach (string kind in new[] { "request", "response" })
        {
            foreach (string file in Directory.GetFiles(TestData.PathTo(Path.Combine(Folder, kind)), "*.md").Order(StringComparer.Ordinal))
            {
                cases.AddRange(LlhttpCase.ReadFile(file));
            }
        }
        return cases;
    }

    [Fact]
    public void BuildInput_EscapesAndContinuations_BecomeBytesAsLlhttpRunnerMakesThem()
    {
        byte[] bytes = LlhttpCase.BuildInput(["GET / HTTP/1.1", "A: \\x41\\101\\t\\", "b", "${\"ab\".repeat(3)}", ""]);

        Assert.Equal("GET / HTTP/1.1\r\nA: AA\tb\r\nababab\r\n", Encoding.Latin1.GetString(bytes));
    }
}
