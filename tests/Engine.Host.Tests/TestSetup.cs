using System.Runtime.CompilerServices;

namespace Engine.Host.Tests;

internal static class TestSetup
{
    /// <summary>
    /// Tests run the socket engine the way the engine binary does (inline completions), so the
    /// behaviour under test is the behaviour users get. Must run before any socket exists.
    /// </summary>
    [ModuleInitializer]
    internal static void UseProductionSocketEngine() =>
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
