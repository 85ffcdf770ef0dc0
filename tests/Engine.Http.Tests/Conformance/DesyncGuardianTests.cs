using System.Text;
using Engine.Http.Http1;
using Engine.TestSupport;
using Xunit.Abstractions;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Engine.Http.Tests.Conformance;

/// <summary>
/// Feeds aws/http-desync-guardian's request-smuggling vectors to the request parser. Every
/// Severe and every Ambiguous vector must be refused with 400 (or 505 for a version we do not
/// speak); every Compliant one must be accepted. Deliberate exceptions are listed with reasons.
/// </summary>
public class DesyncGuardianTests(ITestOutputHelper output)
{
    private const string Folder = "http-desync-guardian/tests";

    /// <summary>Vectors we accept although the suite calls them Severe or Ambiguous, and why.</summary>
    private static readonly Dictionary<string, string> AcceptedExceptions = new(StringComparer.Ordinal)
    {
        ["severe: Bad Content-Length: 1000,1000"] = "a list of identical values is that value (RFC 9110 §8.6 allows accepting it); framing is unambiguous",
        ["ambiguous: Duplicate Content-Length"] = "identical Content-Length fields are one value (RFC 9110 §8.6)",
        ["real-life-test-cases: Two Identical Fields - CL"] = "identical Content-Length fields are one value (RFC 9110 §8.6)",
        ["ambiguous: Get with a body and Content-Length"] = "RFC 9110 §9.3.1 allows content in GET; the body is framed by us, whether to send it upstream is forwarding policy",
        ["ambiguous: Get with a body and Transfer-Encoding"] = "as above: chunked GET content is well framed; forwarding policy decides",
        ["ambiguous: Head with a body and Content-Length"] = "RFC 9110 §9.3.2 allows content in HEAD; forwarding policy decides",
        ["ambiguous: Head with a body and Transfer-Encoding"] = "as above for chunked HEAD content",
        ["real-life-test-cases: Has a CL in GET"] = "GET content is allowed and well framed (RFC 9110 §9.3.1)",
        ["real-life-test-cases: Has a TE in GET"] = "chunked GET content is allowed and well framed (RFC 9110 §9.3.1)",
    };

    /// <summary>Vectors we refuse although the suite calls them Compliant, and why.</summary>
    private static readonly Dictionary<string, string> RejectedExceptions = new(StringComparer.Ordinal)
    {
        ["more-compliant-tests: TE with custom parameters OK"] = "chunked takes no parameters and \"x;\" is not RFC 9110 §10.1.4 syntax: refused rather than guessed",
        ["rfc-compliant: Transfer-Encoding with a param: chunked;custom_param"] = "as above: \"gzip ;\" and \"chunked;custom_param;\" are malformed codings",
        ["rfc-compliant: Empty URI"] = "an empty request-target is not an RFC 9112 §3.2 form",
        ["rfc-compliant: International in URI"] = "raw UTF-8 in the target is refused: RFC 3986 needs it percent-encoded, and backends decode it differently",
    };

    public sealed class Vector
    {
        public string Name { get; set; } = "";
        public string Uri { get; set; } = "";
        public string Method { get; set; } = "";
        public string Version { get; set; } = "";
        public List<Field> Headers { get; set; } = [];
        public Expectation Expected { get; set; } = new();

        public override string ToString() => Name;
    }

    public sealed class Field
    {
        public string Name { get; set; } = "";
        public string Value { get; set; } = "";
        public string Tier { get; set; } = "";
    }

    public sealed class Expectation
    {
        public string Tier { get; set; } = "";
        public string Reason { get; set; } = "";
        public List<string> RequiredMessageItems { get; set; } = [];
    }

    [TestDataFact(Folder)]
    public void DesyncVectors_SevereAndAmbiguousRejected_CompliantAccepted()
    {
        List<(string File, Vector Vector)> vectors = Load();
        Assert.NotEmpty(vectors);

        var problems = new List<string>();
        var seenExceptions = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, (int Total, int Rejected)>(StringComparer.Ordinal);
        foreach ((string file, Vector vector) in vectors)
        {
            string key = $"{file}: {vector.Name}";
            (bool rejected, RequestRejectionReason reason, int status) = Parse(Build(vector));
            string tier = vector.Expected.Tier;
            (int total, int rejectedCount) = counts.GetValueOrDefault(tier);
            counts[tier] = (total + 1, rejectedCount + (rejected ? 1 : 0));

            switch (tier)
            {
                case "Severe" or "Ambiguous" when rejected:
                    if (status is not (400 or 501 or 505) || reason == RequestRejectionReason.MissingHost)
                    {
                        problems.Add($"{key}: refused with {reason} ({status})");
                    }
                    if (AcceptedExceptions.ContainsKey(key))
                    {
                        problems.Add($"{key}: listed as accepted but now refused ({reason})");
                    }
                    break;
                case "Severe" or "Ambiguous":
                    if (AcceptedExceptions.ContainsKey(key))
                    {
                        seenExceptions.Add(key);
                    }
                    else
                    {
                        problems.Add($"{key}: {tier} ({vector.Expected.Reason}) but accepted");
                    }
                    break;
                case "Compliant" when rejected:
                    if (RejectedExceptions.ContainsKey(key))
                    {
                        seenExceptions.Add(key);
                    }
                    else
                    {
                        problems.Add($"{key}: Compliant but refused with {reason}");
                    }
                    break;
                case "Compliant" when RejectedExceptions.ContainsKey(key):
                    problems.Add($"{key}: listed as refused but now accepted");
                    break;
            }
        }

        foreach ((string tier, (int total, int rejected)) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"desync-guardian {tier}: {total} vectors, {rejected} refused, {total - rejected} accepted");
        }
        foreach (KeyValuePair<string, string> exception in AcceptedExceptions.Concat(RejectedExceptions))
        {
            output.WriteLine($"  exception: {exception.Key}: {exception.Value}");
        }
        problems.AddRange(AcceptedExceptions.Keys.Concat(RejectedExceptions.Keys)
            .Where(k => !seenExceptions.Contains(k) && !problems.Any(p => p.StartsWith(k, StringComparison.Ordinal)))
            .Select(k => $"{k}: listed exception matches no vector"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The request as the suite describes it. Most vectors carry no Host field; one is added
    /// (when no field is named exactly Host) so that our Host rule does not mask the verdict.
    /// </summary>
    private static byte[] Build(Vector vector)
    {
        var text = new StringBuilder();
        text.Append(vector.Method).Append(' ').Append(vector.Uri);
        if (vector.Version.Length > 0)
        {
            text.Append(' ').Append(vector.Version);
        }
        text.Append("\r\n");
        if (!vector.Headers.Any(h => string.Equals(h.Name, "Host", StringComparison.OrdinalIgnoreCase)))
        {
            text.Append("Host: desync.test\r\n");
        }
        foreach (Field field in vector.Headers)
        {
            text.Append(field.Name).Append(": ").Append(field.Value).Append("\r\n");
        }
        text.Append("\r\n");
        // A char up to U+00FF is the byte the YAML escape meant (\xff); anything above (the
        // dotless i) goes out as UTF-8, as the suite's own harness sends it.
        var bytes = new List<byte>(text.Length);
        foreach (char c in text.ToString())
        {
            if (c <= 0xFF)
            {
                bytes.Add((byte)c);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return [.. bytes];
    }

    private static (bool Rejected, RequestRejectionReason Reason, int Status) Parse(byte[] request)
    {
        try
        {
            bool complete = Http1Parser.TryParseRequest(request, new HttpRequestHead(), HttpParserLimits.Default);
            Assert.True(complete, "A request ending in CRLF CRLF is either complete or refused.");
            return (false, RequestRejectionReason.None, 0);
        }
        catch (HttpParseException e)
        {
            return (true, e.Reason, e.StatusCode);
        }
    }

    private static List<(string File, Vector Vector)> Load()
    {
        IDeserializer yaml = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build();
        var vectors = new List<(string, Vector)>();
        foreach (string path in Directory.GetFiles(TestData.PathTo(Folder), "*.yaml").Order(StringComparer.Ordinal))
        {
            List<Vector>? list = yaml.Deserialize<List<Vector>>(File.ReadAllText(path, Encoding.UTF8));
            foreach (Vector vector in list ?? [])
            {
                // Empty YAML values arrive as null.
                vector.Headers ??= [];
                vector.Version ??= "";
                vector.Uri ??= "";
                vector.Method ??= "";
                vector.Expected ??= new Expectation();
                foreach (Field field in vector.Headers)
                {
                    field.Name ??= "";
                    field.Value ??= "";
                }
                vectors.Add((Path.GetFileNameWithoutExtension(path), vector));
            }
        }
        return vectors;
    }
}
