using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Hosting;

/// <summary>One public type per file (docs/architecture.md "One API style"): no source file under shared/ or functions/
/// declares more than one public top-level type. Nested types and non-public helpers do not count.</summary>
public sealed partial class OnePublicTypePerFileTests
{
    /// <summary>Names of the public types declared at the top level of <paramref name="source"/>. With a file-scoped
    /// namespace they start in column 0 (nested ones are indented); inside a block-scoped namespace, one level in.</summary>
    internal static IReadOnlyList<string> PublicTopLevelTypes(string source)
    {
        var withoutComments = Comment().Replace(source, "");
        var pattern = BlockNamespace().IsMatch(withoutComments) ? IndentedPublicType() : PublicType();
        return pattern.Matches(withoutComments).Select(m => m.Groups["name"].Value).ToList();
    }

    [Fact]
    public void No_file_under_shared_or_functions_declares_more_than_one_public_top_level_type()
    {
        var files = RepoFiles.Under("shared", ".cs").Concat(RepoFiles.Under("functions", ".cs")).ToList();
        Assert.NotEmpty(files);
        var offenders = files
            .Select(f => (File: f, Types: PublicTopLevelTypes(RepoFiles.Read(f))))
            .Where(x => x.Types.Count > 1)
            .Select(x => $"{x.File}: {string.Join(", ", x.Types)}")
            .ToList();
        Assert.True(offenders.Count == 0, "files with more than one public top-level type:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_detector_counts_top_level_public_types_and_ignores_nested_internal_and_commented_ones()
    {
        const string source = """
            namespace Sample;

            /// <summary>public class NotAType in a doc comment</summary>
            public sealed record Request(string Name);

            // public class Commented {}
            internal sealed class Helper;

            public static partial class Outer
            {
                public sealed class Nested;
            }

            public interface IThing;
            public delegate void Handler(int x);
            public readonly record struct Point(int X, int Y);
            public enum Kind { A }
            public abstract class Base<T> where T : class;
            """;
        Assert.Equal(["Request", "Outer", "IThing", "Handler", "Point", "Kind", "Base"], PublicTopLevelTypes(source));

        const string blockScoped = """
            namespace Sample
            {
                public class A
                {
                    public class Nested;
                }

                public class B;
            }
            """;
        Assert.Equal(["A", "B"], PublicTopLevelTypes(blockScoped));
    }

    // Whole-line comments only: a "//" or "/*" inside a string literal (a URL, a glob) must not hide code.
    [GeneratedRegex(@"^[ \t]*(?://[^\n]*|/\*.*?\*/)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"^namespace\s+[\w.]+\s*(\{|$)", RegexOptions.Multiline)]
    private static partial Regex BlockNamespace();

    private const string TypeDeclaration =
        @"public\s+(?:(?:sealed|static|abstract|partial|readonly|unsafe|new|ref)\s+)*" +
        @"(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?|delegate\s+[\w<>\[\]?,.\s]+?)\s+(?<name>\w+)";

    [GeneratedRegex("^" + TypeDeclaration, RegexOptions.Multiline)]
    private static partial Regex PublicType();

    [GeneratedRegex(@"^(?: {4}|\t)" + TypeDeclaration, RegexOptions.Multiline)]
    private static partial Regex IndentedPublicType();
}
