namespace Engine.Host.Tests.Aot;

/// <summary>The detector must catch what a resource-stripped build really printed, and pass our own messages.</summary>
public sealed class OperatorMessageDetectorTests
{
    [Theory]
    // Printed by the AOT binary built with UseSystemResourceKeys (issue 9).
    [InlineData("/tmp/a.toml:4:1: routers.x.rule: PathRegexp: invalid regular expression: MakeException, [unclosed, 9, UnterminatedBracket at column 12")]
    [InlineData("line 1, byte 3 ($): UnmappedJsonProperty, bogus, Engine.Core.Configuration.GatewayConfig")]
    [InlineData("  access_log.path: cannot open '/var/log/engine/access.log': IO_PathNotFound_Path, /var/log/engine/access.log")]
    [InlineData("line 1, byte 2 ($): ExpectedStartOfPropertyNotFound, ,")]
    [InlineData("services.a: Arg_ParamName_Name, size")]
    [InlineData("PathRegexp: invalid regular expression: UnterminatedBracket")]
    // Readable, but in .NET's words rather than the operator's.
    [InlineData("line 1 ($.entrypoints): The JSON value could not be converted to System.Collections.Generic.IReadOnlyList`1[Engine.Core.Configuration.EntrypointConfig].")]
    [InlineData("internal error")]
    public void Problems_FlagsResourceKeysTypeNamesAndFragments(string line) => Assert.NotEmpty(OperatorMessage.Problems(line));

    [Theory]
    [InlineData("/tmp/a.toml:4:1: routers.x.rule: PathRegexp(`[unclosed`): invalid regular expression at column 12: unterminated [] set")]
    [InlineData("line 1, byte 3 ($): unknown key 'bogus' in the gateway configuration.")]
    [InlineData("  access_log.path: cannot open the access log '/var/log/engine/access.log': the directory /var/log/engine does not exist")]
    [InlineData("line 2, byte 19 ($): '\"' is invalid after a property name. Expected a ':'.")]
    [InlineData("/tmp/a.toml:3:1: routers.x.rule: unknown matcher 'PathPrefx' at column 1; did you mean PathPrefix?")]
    [InlineData("/tmp/a.toml:3:1: services.a.strategy: unknown strategy 'rr'; known: least_connections, maglev, round_robin")]
    [InlineData("engine: admin.token: ${ENGINE_ADMIN_TOKEN} is not set and has no default.")]
    public void Problems_PassesOurOwnSentences(string line) => Assert.Empty(OperatorMessage.Problems(line));
}
