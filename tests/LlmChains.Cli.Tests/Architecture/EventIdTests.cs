using System.Reflection;
using Microsoft.Extensions.Logging;

namespace LlmChains.Cli.Tests.Architecture;

/// <summary>
/// Every source-generated log message of every LlmChains assembly has its own event id, inside the range its namespace
/// owns (docs/architecture.md), so a log filter on an id means one message.
/// </summary>
public sealed class EventIdTests
{
    /// <summary>The ranges of docs/architecture.md: namespace prefix → [first, last].</summary>
    private static readonly (string Namespace, int First, int Last)[] Ranges =
    [
        ("LlmChains.Chains", 100, 199),
        ("LlmChains.Analysis.Spectral", 200, 299),
        ("LlmChains.Analysis.Convergence", 300, 399),
        ("LlmChains.Analysis.Fate", 400, 449),
        ("LlmChains.Analysis.LowTemperature", 450, 499),
        ("LlmChains.InContext", 500, 599),
        ("LlmChains.LlamaSharp", 600, 699),
        ("LlmChains.Remote", 700, 799),
    ];

    [Fact]
    public void EventIds_AreUniqueAcrossAssemblies_AndInTheirNamespacesRange()
    {
        var messages = LibraryAssemblies()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Name: $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}", Namespace: x.Method.DeclaringType!.Namespace!, Id: x.Attribute!.EventId))
            .ToList();

        messages.Should().HaveCountGreaterThan(30, "the library logs from chains, spectral, convergence, in-context and the LlamaSharp adapter");
        messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}")
            .Should().BeEmpty("each event id names one message");
        foreach (var (name, ns, id) in messages)
        {
            var range = Ranges.Where(r => ns == r.Namespace || ns.StartsWith(r.Namespace + ".", StringComparison.Ordinal)).ToList();
            range.Should().ContainSingle($"{name} (namespace {ns}) needs an event-id range in docs/architecture.md");
            id.Should().BeInRange(range[0].First, range[0].Last, name);
        }
    }

    private static IEnumerable<Assembly> LibraryAssemblies()
    {
        // load every LlmChains assembly next to the tests (the CLI references them all)
        foreach (string file in Directory.GetFiles(AppContext.BaseDirectory, "LlmChains*.dll"))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (!name.Contains(".Tests", StringComparison.Ordinal) && name != "LlmChains.Cli")
            {
                yield return Assembly.Load(new AssemblyName(name));
            }
        }
    }
}
