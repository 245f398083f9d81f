using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Pipeline.UnitTests.Hosting;

/// <summary>
/// Reads compiled assemblies with System.Reflection.Metadata (nothing is loaded or run): the public top-level types an
/// assembly declares, and the types it uses from other assemblies. Every use of another assembly's type — a call, a field,
/// a base type, a generic argument, a typeof, a nested type — compiles to a TypeReference row naming it (nested ones through
/// their enclosing type's row), so those rows are what another assembly needs to see.
/// </summary>
internal static class PublicTypeUsage
{
    /// <summary>Full names (namespace.Name, generic arity kept as `1) of the public types declared at the top level.</summary>
    public static IReadOnlySet<string> PublicTopLevelTypes(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            if ((type.Attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public)
            {
                names.Add(FullName(md.GetString(type.Namespace), md.GetString(type.Name)));
            }
        }
        return names;
    }

    /// <summary>The types <paramref name="assemblyPath"/> references, grouped by the simple name of the assembly that
    /// declares them; a nested type counts as a use of its top-level enclosing type.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ReferencedTypes(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var byAssembly = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var handle in md.TypeReferences)
        {
            var reference = md.GetTypeReference(handle);
            // Walk out of nested types: their resolution scope is the enclosing type's reference.
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                reference = md.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            }
            if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference)
            {
                continue;
            }
            var assembly = md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name);
            if (!byAssembly.TryGetValue(assembly, out var names))
            {
                byAssembly[assembly] = names = new SortedSet<string>(StringComparer.Ordinal);
            }
            names.Add(FullName(md.GetString(reference.Namespace), md.GetString(reference.Name)));
        }
        return byAssembly.ToDictionary(kv => kv.Key, kv => (IReadOnlySet<string>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>For each assembly (simple name to path), its public top-level types that none of the other assemblies
    /// references.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> UnreferencedPublicTypes(IReadOnlyDictionary<string, string> assemblies)
    {
        var referencesBy = assemblies.ToDictionary(a => a.Key, a => ReferencedTypes(a.Value), StringComparer.Ordinal);
        var result = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, path) in assemblies)
        {
            var usedElsewhere = referencesBy
                .Where(r => r.Key != name)
                .SelectMany(r => r.Value.TryGetValue(name, out var used) ? used : (IEnumerable<string>)[])
                .ToHashSet(StringComparer.Ordinal);
            result[name] = PublicTopLevelTypes(path).Where(t => !usedElsewhere.Contains(t)).ToList();
        }
        return result;
    }

    private static string FullName(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
}
