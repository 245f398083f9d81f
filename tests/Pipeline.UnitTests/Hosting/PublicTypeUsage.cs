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

    /// <summary>The public top-level types of <paramref name="assembly"/> that a caller outside it can reach from
    /// <paramref name="roots"/> (types of the same assembly): the roots themselves, then every public type of the assembly in
    /// the visible surface of a reached type — base type, interfaces, generic arguments, and the signatures of its public
    /// and protected fields, properties, events, constructors and methods, and of its public nested types.</summary>
    public static IReadOnlySet<string> ReachableFrom(Assembly assembly, IEnumerable<Type> roots)
    {
        var reached = new HashSet<Type>();
        var pending = new Queue<Type>();
        void Visit(Type? type)
        {
            if (type is null) return;
            if (type.HasElementType)
            {
                Visit(type.GetElementType());
                return;
            }
            if (type.IsGenericParameter)
            {
                foreach (var constraint in type.GetGenericParameterConstraints()) Visit(constraint);
                return;
            }
            if (type.IsConstructedGenericType)
            {
                Visit(type.GetGenericTypeDefinition());
                foreach (var argument in type.GenericTypeArguments) Visit(argument);
                return;
            }
            if (type.Assembly != assembly || !type.IsVisible) return;
            if (reached.Add(type)) pending.Enqueue(type);
        }
        foreach (var root in roots) Visit(root);
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static |
            BindingFlags.DeclaredOnly;
        while (pending.TryDequeue(out var type))
        {
            Visit(type.BaseType);
            foreach (var contract in type.GetInterfaces()) Visit(contract);
            foreach (var parameter in type.IsGenericTypeDefinition ? type.GetGenericArguments() : []) Visit(parameter);
            foreach (var field in type.GetFields(declared).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
            {
                Visit(field.FieldType);
            }
            foreach (var method in type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared))
                .Where(m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly))
            {
                if (method is MethodInfo info) Visit(info.ReturnType);
                foreach (var parameter in method.GetParameters()) Visit(parameter.ParameterType);
                foreach (var argument in method.IsGenericMethodDefinition ? method.GetGenericArguments() : []) Visit(argument);
            }
            // Property and event types come in through their accessors (methods above); nested public types count as
            // part of their enclosing type.
            foreach (var nested in type.GetNestedTypes(BindingFlags.Public)) Visit(nested);
        }
        return reached
            .Select(t => t.IsNested ? Outermost(t) : t)
            .Where(t => t.IsPublic)
            .Select(t => FullName(t.Namespace ?? "", t.Name))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Full names of the public top-level types that declare a method marked with an attribute called
    /// <paramref name="attributeName"/> (the Functions worker's <c>FunctionAttribute</c>), read from metadata.</summary>
    public static IReadOnlySet<string> TypesWithMethodAttribute(string assemblyPath, string attributeName)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public) continue;
            var marked = type.GetMethods()
                .SelectMany(m => md.GetMethodDefinition(m).GetCustomAttributes())
                .Any(a => AttributeTypeName(md, md.GetCustomAttribute(a)) == attributeName);
            if (marked) names.Add(FullName(md.GetString(type.Namespace), md.GetString(type.Name)));
        }
        return names;
    }

    private static string? AttributeTypeName(MetadataReader md, CustomAttribute attribute)
    {
        EntityHandle owner = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => md.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return owner.Kind switch
        {
            HandleKind.TypeReference => md.GetString(md.GetTypeReference((TypeReferenceHandle)owner).Name),
            HandleKind.TypeDefinition => md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)owner).Name),
            _ => null,
        };
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static string FullName(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
}
