namespace Engine.Core.Metrics;

/// <summary>A metric family's type as the text format's <c># TYPE</c> line names it.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
    Untyped,
}

/// <summary>One label of a sample. Passed as <c>params ReadOnlySpan</c>, so a call site's labels live on the stack.</summary>
public readonly record struct MetricLabel(string Name, string Value);
