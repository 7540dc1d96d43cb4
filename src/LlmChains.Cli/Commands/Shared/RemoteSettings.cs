using LlmChains.Remote;

namespace LlmChains.Cli.Commands.Shared;

/// <summary>What <see cref="ModelSource"/> needs to connect to an inference server.</summary>
/// <param name="ServerModel">--server-model, or null when not given.</param>
/// <param name="Options">The connection's options.</param>
internal sealed record RemoteSettings(string? ServerModel, RemoteModelOptions Options);
