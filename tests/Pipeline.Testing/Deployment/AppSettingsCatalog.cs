using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>One setting the app reads, in environment form (<c>Kafka__BootstrapServers</c>, lists as <c>__0</c>).</summary>
/// <param name="Key">Environment-form key.</param>
/// <param name="Origin">Where it was discovered (options class, host.json, local.settings.sample.json).</param>
/// <param name="DefaultValue">The options class's default, when discovered by reflection and simple.</param>
public sealed record AppSetting(string Key, string Origin, string? DefaultValue);

/// <summary>
/// The settings Pipeline reads, discovered from the code rather than listed by hand:
/// every options class in the Pipeline.* assemblies (a class with <c>public const string SectionName</c>; keys are
/// Section__Property, nested classes recurse, lists of scalars become Section__Property__0), the <c>%Name%</c>
/// references in host.json, and local.settings.sample.json when it exists.
/// </summary>
public static class AppSettingsCatalog
{
    public static StringComparer KeyComparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>Converts <c>Section:Key</c> (configuration form) to <c>Section__Key</c> (environment form).</summary>
    public static string Normalize(string key) => key.Trim().Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Every Pipeline.* assembly next to the running tests (loaded if not yet loaded).</summary>
    public static IReadOnlyList<Assembly> PipelineAssemblies()
    {
        // The default context only: a test may load a build output (the Functions app) into a context of its own, and
        // that second copy of a name is not an assembly next to the tests.
        var byName = System.Runtime.Loader.AssemblyLoadContext.Default.Assemblies
            .Where(a => a.GetName().Name?.StartsWith("Pipeline.", StringComparison.Ordinal) == true)
            .ToDictionary(a => a.GetName().Name!, StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "Pipeline.*.dll"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (byName.ContainsKey(name) || name.Contains("Tests", StringComparison.Ordinal) || name is "Pipeline.Testing" or "Pipeline.Bench")
            {
                continue;
            }
            try
            {
                byName[name] = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name));
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // Not a loadable managed assembly for this process (for example the Functions worker's generated one).
            }
        }
        return byName.Where(p => !p.Key.Contains("Tests", StringComparison.Ordinal) && p.Key is not "Pipeline.Testing")
            .Select(p => p.Value).OrderBy(a => a.GetName().Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Options classes: types with a public const string SectionName.</summary>
    public static IReadOnlyList<(Type Type, string Section)> OptionsClasses()
    {
        var result = new List<(Type, string)>();
        foreach (var assembly in PipelineAssemblies())
        {
            Type?[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                types = e.Types;
            }
            foreach (var type in types.OfType<Type>())
            {
                var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);
                if (field is { IsLiteral: true } && field.FieldType == typeof(string) && field.GetRawConstantValue() is string section)
                {
                    result.Add((type, section));
                }
            }
        }
        return result;
    }

    /// <summary>Settings of every options class, by reflection.</summary>
    public static IReadOnlyList<AppSetting> FromOptionsClasses()
    {
        return OptionsClasses().SelectMany(o => KeysOf(o.Type, o.Section)).ToList();
    }

    /// <summary>The environment-form keys (with defaults) of one options class bound at <paramref name="section"/>.</summary>
    public static IReadOnlyList<AppSetting> KeysOf(Type type, string section)
    {
        var settings = new List<AppSetting>();
        object? instance = null;
        try
        {
            instance = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
        }
        catch (TargetInvocationException)
        {
            // A constructor with side effects: keys are still discoverable, defaults are not.
        }
        Walk(type, instance, Normalize(section), $"{type.FullName}", settings, depth: 0);
        return settings;
    }

    /// <summary>The default value of Section:Property on its options class (for example Kafka:Topic), or null when no
    /// options class declares it.</summary>
    public static string? DefaultOf(string key) =>
        FromOptionsClasses().FirstOrDefault(s => KeyComparer.Equals(s.Key, Normalize(key)))?.DefaultValue;

    private static void Walk(Type type, object? instance, string prefix, string origin, List<AppSetting> into, int depth)
    {
        if (depth > 4)
        {
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.SetMethod is not { IsPublic: true } && !IsBindableGetOnlyCollection(property.PropertyType))
            {
                continue;
            }
            var name = property.GetCustomAttributes().FirstOrDefault(a => a.GetType().Name == "ConfigurationKeyNameAttribute") is { } attr
                ? (string?)attr.GetType().GetProperty("Name")?.GetValue(attr) ?? property.Name
                : property.Name;
            var key = $"{prefix}__{name}";
            var value = SafeGet(property, instance);
            var propertyType = property.PropertyType;
            if (IsScalar(propertyType))
            {
                into.Add(new AppSetting(key, origin, Format(value)));
            }
            else if (IsDictionary(propertyType))
            {
                // Keys are user-chosen names: nothing fixed to require.
            }
            else if (ElementType(propertyType) is { } element)
            {
                var first = (value as IEnumerable)?.Cast<object?>().FirstOrDefault();
                if (IsScalar(element))
                {
                    into.Add(new AppSetting(key + "__0", origin, Format(first)));
                }
                else
                {
                    Walk(element, first, key + "__0", origin, into, depth + 1);
                }
            }
            else if (propertyType.IsClass)
            {
                Walk(propertyType, value, key, origin, into, depth + 1);
            }
        }
    }

    private static object? SafeGet(PropertyInfo property, object? instance)
    {
        if (instance is null)
        {
            return null;
        }
        try
        {
            return property.GetValue(instance);
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime)
               || t == typeof(DateTimeOffset) || t == typeof(TimeSpan) || t == typeof(Guid) || t == typeof(Uri);
    }

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>The binder fills a get-only collection only when it can add to it (<c>List&lt;string&gt; X { get; } = []</c>); a
    /// computed read-only view (<c>IReadOnlyList&lt;string&gt; X =&gt; ...</c>) is not a setting.</summary>
    private static bool IsBindableGetOnlyCollection(Type type) =>
        IsCollection(type) && !type.IsArray && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
            && (d == typeof(ICollection<>) || d == typeof(IDictionary<,>)));

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
            && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));

    private static Type? ElementType(Type type)
    {
        if (!IsCollection(type))
        {
            return null;
        }
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary><c>%Name%</c> app-setting references in host.json (for example the durable task hub name).</summary>
    public static IReadOnlyList<AppSetting> FromHostJson()
    {
        if (!RepoFiles.Exists("host.json"))
        {
            return [];
        }
        return Regex.Matches(RepoFiles.Read("host.json"), "%([A-Za-z0-9_:.]+)%")
            .Select(m => Normalize(m.Groups[1].Value))
            .Distinct(KeyComparer)
            .Select(k => new AppSetting(k, "host.json", null))
            .ToList();
    }

    public const string LocalSettingsSamplePath = "local.settings.sample.json";

    /// <summary>The Values of local.settings.sample.json (keys normalised to environment form), or null when the file
    /// does not exist yet. Comments and trailing commas are allowed, as the Functions host allows them.</summary>
    public static IReadOnlyDictionary<string, string?>? LocalSettingsSample()
    {
        if (!RepoFiles.Exists(LocalSettingsSamplePath))
        {
            return null;
        }
        var root = JsonNode.Parse(RepoFiles.Read(LocalSettingsSamplePath), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        }) as JsonObject ?? throw new InvalidDataException($"{LocalSettingsSamplePath} must be a JSON object");
        var values = root["Values"] as JsonObject
                     ?? throw new InvalidDataException($"{LocalSettingsSamplePath} has no \"Values\" object");
        var result = new Dictionary<string, string?>(KeyComparer);
        foreach (var (key, value) in values)
        {
            result[Normalize(key)] = value?.ToString();
        }
        return result;
    }

    /// <summary>Everything the app reads: options classes ∪ host.json references ∪ local.settings.sample.json keys.</summary>
    public static IReadOnlyList<AppSetting> All()
    {
        var all = new Dictionary<string, AppSetting>(KeyComparer);
        foreach (var s in FromOptionsClasses().Concat(FromHostJson()))
        {
            all.TryAdd(s.Key, s);
        }
        foreach (var key in LocalSettingsSample()?.Keys ?? Enumerable.Empty<string>())
        {
            all.TryAdd(key, new AppSetting(key, LocalSettingsSamplePath, null));
        }
        return all.Values.OrderBy(s => s.Key, KeyComparer).ToList();
    }
}
