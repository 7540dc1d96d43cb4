namespace LlmChains.Tests.Support;

/// <summary>Paths of the files under tests/LlmChains.Tests/Fixtures, copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string Npy(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npy", name);
}
