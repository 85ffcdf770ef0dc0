using Engine.Core.Configuration;
using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

/// <summary><c>[middlewares.NAME]</c> tables and the routers' and entrypoints' <c>middlewares</c> lists, from TOML.</summary>
public sealed class ConfigLoaderMiddlewareTests : IDisposable
{
    /// <summary>Minimal, with a router chain of all three built-in types (middlewares from line 13).</summary>
    private const string Chain = """
        [entrypoints.web]
        address = "127.0.0.1:18000"

        [routers.app]
        rule = "PathPrefix(`/`)"
        service = "app"
        middlewares = ["h", "strip", "add"]

        [services.app.load_balancer]
        [[services.app.load_balancer.servers]]
        url = "http://127.0.0.1:18001"

        [middlewares.h]
        type = "headers"
        request_headers = { X-Env = "prod", X-Debug = "" }
        response_headers = { Server = "engine" }

        [middlewares.strip]
        type = "strip-prefix"
        prefixes = ["/api", "/v1"]

        [middlewares.add]
        type = "add-prefix"
        prefix = "/v2"

        """;

    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_HeadersMiddleware_BindsEveryTableAndListInWrittenOrder()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + """
            [middlewares.h]
            type = "headers"
            remove_request_headers = ["X-Internal", "Cookie"]
            add_response_headers = { Via = "1.1 engine" }

            [middlewares.h.request_headers]
            X-Zone = "b"
            X-Env = "${ENV:-prod}"
            Authorization = ""

            [middlewares.h.response_headers]
            Server = "engine"
            """);

        MiddlewareConfig middleware = Assert.Single(_files.Config().Middlewares);

        Assert.Equal("h", middleware.Name);
        Assert.Equal("headers", middleware.Type);
        Assert.Equal(["remove_request_headers", "add_response_headers", "request_headers", "response_headers"], middleware.Options.Keys);
        Assert.Equal(["X-Internal", "Cookie"], Assert.IsAssignableFrom<IReadOnlyList<object>>(middleware.Options["remove_request_headers"]));
        var request = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(middleware.Options["request_headers"]);
        Assert.Equal(["X-Zone", "X-Env", "Authorization"], request.Keys);
        Assert.Equal(["b", "prod", ""], request.Values);
        Assert.Equal("1.1 engine", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(middleware.Options["add_response_headers"])["Via"]);
        Assert.Equal("engine", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(middleware.Options["response_headers"])["Server"]);
    }

    [Fact]
    public void Load_StripPrefixAndAddPrefix_BindTheirPrefixes()
    {
        _files.Write("gateway.toml", Chain);

        GatewayConfig config = _files.Config();

        Assert.Equal(["h", "strip", "add"], config.Middlewares.Select(m => m.Name));
        Assert.Equal(["headers", "strip-prefix", "add-prefix"], config.Middlewares.Select(m => m.Type));
        Assert.Equal(["/api", "/v1"], Assert.IsAssignableFrom<IReadOnlyList<object>>(config.Middlewares[1].Options["prefixes"]));
        Assert.Equal("/v2", config.Middlewares[2].Options["prefix"]);
    }

    [Fact]
    public void Load_RouterAndEntrypointChains_KeepTheirNamesInOrder()
    {
        _files.Write("gateway.toml", Chain.Replace("address = \"127.0.0.1:18000\"\n", "address = \"127.0.0.1:18000\"\nmiddlewares = [\"h\"]\n", StringComparison.Ordinal)
            .Replace("middlewares = [\"h\", \"strip\", \"add\"]", "middlewares = [\"strip\", \"add\"]", StringComparison.Ordinal));

        GatewayConfig config = _files.Config();

        Assert.Equal(["h"], config.Entrypoints[0].Middlewares);
        Assert.Equal(["strip", "add"], config.Routers[0].Middlewares);
    }

    [Fact]
    public void Load_RouterWithAChainOfAllThreeTypes_IsValid()
    {
        _files.Write("gateway.toml", Chain);

        GatewayConfig config = _files.Config();

        Assert.Equal(["h", "strip", "add"], config.Routers[0].Middlewares);
        Assert.Empty(MiddlewareRegistryProblems(config));
    }

    [Fact]
    public void Bind_OptionValues_BecomePlainValuesOfEachTomlKind()
    {
        // Bound without validation: no type takes these keys, which is the registry's business.
        string path = _files.Write("gateway.toml", """
            [middlewares.any]
            type = "whatever"
            text = "a"
            count = 3
            ratio = 0.5
            on = true
            mixed = [1, "two", [3.0], { four = 4 }]
            nested = { b = { c = "d" }, a = [] }
            """);
        var context = new BindingContext(_ => null);
        var source = new ConfigSource(context);
        source.Read(path);

        GatewayConfig config = new GatewayConfigBinder(context).Bind(source.Files);

        Assert.Empty(context.Problems);
        IReadOnlyDictionary<string, object> options = Assert.Single(config.Middlewares).Options;
        Assert.Equal(["text", "count", "ratio", "on", "mixed", "nested"], options.Keys);
        Assert.Equal("a", options["text"]);
        Assert.Equal(3L, options["count"]);
        Assert.Equal(0.5, options["ratio"]);
        Assert.True(Assert.IsType<bool>(options["on"]));
        var mixed = Assert.IsAssignableFrom<IReadOnlyList<object>>(options["mixed"]);
        Assert.Equal(1L, mixed[0]);
        Assert.Equal("two", mixed[1]);
        Assert.Equal([3.0], Assert.IsAssignableFrom<IReadOnlyList<object>>(mixed[2]));
        Assert.Equal(4L, Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(mixed[3])["four"]);
        var nested = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(options["nested"]);
        Assert.Equal(["b", "a"], nested.Keys);
        Assert.Equal("d", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(nested["b"])["c"]);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<object>>(nested["a"]));
        Assert.Equal(new TomlPositionText("gateway.toml", 7, 13), Position(context, "middlewares.any.mixed[1]"));
        Assert.Equal(new TomlPositionText("gateway.toml", 7, 29), Position(context, "middlewares.any.mixed[3].four"));
        Assert.Equal(new TomlPositionText("gateway.toml", 8, 18), Position(context, "middlewares.any.nested.b.c"));
    }

    [Fact]
    public void Load_UnknownType_IsLocatedAtTheTypeWithTheClosestKnownType()
    {
        _files.Write("gateway.toml", Chain.Replace("type = \"strip-prefix\"", "type = \"strip-prefx\"", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:19:1: middlewares.strip.type: unknown middleware type 'strip-prefx'; did you mean 'strip-prefix'?"], _files.Errors());
    }

    [Fact]
    public void Load_UnknownTypeWithNothingClose_ListsTheKnownTypes()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[middlewares.auth]\ntype = \"jwt\"\n");

        Assert.Equal(["gateway.toml:12:1: middlewares.auth.type: unknown middleware type 'jwt'. Known types: add-prefix, headers, strip-prefix."], _files.Errors());
    }

    [Fact]
    public void Load_MiddlewareWithoutType_SaysTypeIsRequiredOnce()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[middlewares.add]\nprefix = \"/v2\"\n");

        Assert.Equal(["gateway.toml:11:14: middlewares.add.type: is required."], _files.Errors());
    }

    [Fact]
    public void Load_RouterNamingAMissingMiddleware_IsLocatedAtTheNameWithTheClosestMiddleware()
    {
        _files.Write("gateway.toml", Chain.Replace("middlewares = [\"h\", \"strip\", \"add\"]", "middlewares = [\"h\", \"strp\", \"add\"]", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:7:21: routers.app.middlewares[1]: no middleware named 'strp'; did you mean 'strip'?"], _files.Errors());
    }

    [Fact]
    public void Load_EntrypointNamingAMissingMiddleware_IsLocatedAtTheNameWithTheClosestMiddleware()
    {
        _files.Write("gateway.toml", Chain.Replace("address = \"127.0.0.1:18000\"\n", "address = \"127.0.0.1:18000\"\nmiddlewares = [\"hh\"]\n", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:3:16: entrypoints.web.middlewares[0]: no middleware named 'hh'; did you mean 'h'?"], _files.Errors());
    }

    [Fact]
    public void Load_MiddlewareListedTwiceInOneChain_IsAnError()
    {
        _files.Write("gateway.toml", Chain.Replace("address = \"127.0.0.1:18000\"\n", "address = \"127.0.0.1:18000\"\nmiddlewares = [\"h\"]\n", StringComparison.Ordinal)
            .Replace("middlewares = [\"h\", \"strip\", \"add\"]", "middlewares = [\"strip\", \"add\", \"strip\", \"h\"]", StringComparison.Ordinal));

        Assert.Equal(
        [
            "gateway.toml:8:32: routers.app.middlewares[2]: 'strip' is listed twice (first as [0]); a middleware runs once per request.",
            "gateway.toml:8:41: routers.app.middlewares[3]: 'h' already runs for every request of entrypoint 'web' (its middlewares), before this router's; a middleware runs once per request.",
        ], _files.Errors());
    }

    [Fact]
    public void Load_UnknownKeyOfAType_IsLocatedWithTheClosestKeyOfThatType()
    {
        _files.Write("gateway.toml", Chain.Replace("prefix = \"/v2\"", "prefix = \"/v2\"\nprefx = \"/v3\"", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:25:1: middlewares.add.prefx: unknown key for a middleware of type 'add-prefix'; did you mean 'prefix'?"], _files.Errors());
    }

    [Fact]
    public void Load_MisspeltRequiredKey_SaysItIsRequiredAtTheTableAndUnknownAtTheKey()
    {
        _files.Write("gateway.toml", Chain.Replace("prefixes = [", "prefixs = [", StringComparison.Ordinal));

        Assert.Equal(
        [
            "gateway.toml:18:14: middlewares.strip.prefixes: is required for a middleware of type 'strip-prefix'.",
            "gateway.toml:20:1: middlewares.strip.prefixs: unknown key for a middleware of type 'strip-prefix'; did you mean 'prefixes'?",
        ], _files.Errors());
    }

    [Fact]
    public void Load_BadHeaderNameAndValue_AreLocatedAtTheirKeysInTheTable()
    {
        _files.Write("gateway.toml", Chain.Replace("request_headers = { X-Env = \"prod\", X-Debug = \"\" }", "request_headers = { \"X Env\" = \"prod\", X-Debug = \"a\\nb\" }", StringComparison.Ordinal));

        Assert.Equal(
        [
            "gateway.toml:15:21: middlewares.h.request_headers.X Env: 'X Env' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only).",
            "gateway.toml:15:39: middlewares.h.request_headers.X-Debug: a header value may not contain control characters (CR, LF, NUL) or characters beyond Latin-1.",
        ], _files.Errors());
    }

    [Fact]
    public void Load_FramingFieldInAHeaderEdit_IsRefusedAtItsKey()
    {
        _files.Write("gateway.toml", Chain.Replace("request_headers = { X-Env = \"prod\", X-Debug = \"\" }", "request_headers = { X-Env = \"prod\", content-length = \"5\" }", StringComparison.Ordinal));

        Assert.Equal(
            ["gateway.toml:15:37: middlewares.h.request_headers.content-length: 'content-length' describes message framing or the connection, which the proxy sets itself; it cannot be edited."],
            _files.Errors());
    }

    [Fact]
    public void Load_BadPrefixInAList_IsLocatedAtThatElement()
    {
        _files.Write("gateway.toml", Chain.Replace("prefixes = [\"/api\", \"/v1\"]", "prefixes = [\"/api\", \"v1\"]", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:20:21: middlewares.strip.prefixes[1]: 'v1' is not a path prefix: it must start with '/' and hold visible ASCII without '?' or '#'."], _files.Errors());
    }

    [Fact]
    public void Load_WrongKindOfValue_IsLocatedAtTheValue()
    {
        _files.Write("gateway.toml", Chain.Replace("prefix = \"/v2\"", "prefix = 2", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:24:1: middlewares.add.prefix: expected a string, found an integer."], _files.Errors());
    }

    [Fact]
    public void Load_ValueNoOptionCanHold_IsReportedOnceAtTheValue()
    {
        _files.Write("gateway.toml", Chain.Replace("prefixes = [\"/api\", \"/v1\"]", "prefixes = [\"/api\", 1979-05-27]", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:20:21: middlewares.strip.prefixes[1]: expected a string, a number, a boolean, an array or a table, found a local date (1979-05-27)."], _files.Errors());
    }

    [Fact]
    public void Load_UnsetVariableInAnOption_IsLocatedAtTheValue()
    {
        _files.Write("gateway.toml", Chain.Replace("Server = \"engine\"", "Server = \"${ENGINE_TEST_NEVER_SET}\"", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:16:31: middlewares.h.response_headers.Server: environment variable ENGINE_TEST_NEVER_SET is not set; set it, or give a default as ${ENGINE_TEST_NEVER_SET:-default}."], _files.Errors());
    }

    [Fact]
    public void Load_MiddlewareDefinedInTwoFiles_IsReportedAtBothPlaces()
    {
        _files.Write("etc/10-gateway.toml", Chain);
        _files.Write("etc/20-more.toml", "[middlewares.add]\ntype = \"add-prefix\"\nprefix = \"/v3\"\n");

        Assert.Equal(["etc/20-more.toml:1:14: middlewares.add: already defined in etc/10-gateway.toml:22:14; each middleware may be defined in only one file."], _files.Errors("etc"));
    }

    [Fact]
    public void Load_MiddlewareThatIsNotATable_SaysATableWasExpected()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[middlewares]\nh = \"headers\"\n");

        Assert.Equal(["gateway.toml:12:5: middlewares.h: expected a table ([middlewares.h]) describing middleware 'h', found a string."], _files.Errors());
    }

    private static IReadOnlyList<ConfigProblem> MiddlewareRegistryProblems(GatewayConfig config) =>
        Engine.Http.Middlewares.MiddlewareRegistry.Default.Validate(config);

    private TomlPositionText Position(BindingContext context, string keyPath)
    {
        Engine.Host.Configuration.Toml.TomlPosition position = context.Positions[keyPath];
        return new(_files.Relative(position.FileName!), position.Line, position.Column);
    }

    private readonly record struct TomlPositionText(string File, int Line, int Column);
}
