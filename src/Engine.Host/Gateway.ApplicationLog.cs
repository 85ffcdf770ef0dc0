using Engine.Core.Configuration;
using Engine.Host.Logging;

namespace Engine.Host;

public sealed partial class Gateway
{
    /// <summary>
    /// The application log that <see cref="GatewayConfig.Log"/> drives, when the host writes its
    /// log through one (the engine binary does); null leaves <c>[log]</c> to the embedding
    /// program, whose logger factory is its own.
    /// </summary>
    public ApplicationLog? ApplicationLog { get; init; }

    /// <summary>
    /// Makes the application log follow <paramref name="config"/>: a level or format change takes
    /// effect from the next line; a new file is opened first, so one that cannot be opened
    /// throws <see cref="GatewayConfigException"/> and changes nothing.
    /// </summary>
    private void ApplyApplicationLog(LogConfig? config) => ApplicationLog?.Apply(config);
}
