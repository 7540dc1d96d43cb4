namespace LlmChains.Remote;

/// <summary>Progress of a remote evaluation (<see cref="RemoteModelOptions.Progress"/>), reported after each wave of requests.</summary>
/// <param name="Done">Contexts evaluated so far (from the cache or the server).</param>
/// <param name="Total">Contexts to evaluate.</param>
/// <param name="FromCache">Of <paramref name="Done"/>, the contexts answered by the on-disk cache.</param>
/// <param name="Requests">HTTP requests sent so far by this model (retries included).</param>
/// <param name="Elapsed">Time since the evaluation started.</param>
/// <param name="Remaining">Estimated time to finish at the average rate so far (cache hits included), or <see langword="null"/> before there is a rate.</param>
public readonly record struct RemoteProgress(long Done, long Total, long FromCache, long Requests, TimeSpan Elapsed, TimeSpan? Remaining);
