using System.Diagnostics;
using System.Reflection;

namespace Engine.Host.Tests;

/// <summary>
/// A fact about steady-state allocation: it holds only for an optimized build (a Debug build
/// makes every async state machine a class, allocated per call), so on Debug it is skipped with
/// that reason. The README's test command builds Release, where it always runs.
/// </summary>
public sealed class OptimizedBuildFactAttribute : FactAttribute
{
    public OptimizedBuildFactAttribute()
    {
        Assembly engine = typeof(Engine.Http.Proxy.HttpConnectionHandler).Assembly;
        if (engine.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
        {
            Skip = "Allocation is measured on optimized builds only: run 'dotnet test -c Release'.";
        }
    }
}
