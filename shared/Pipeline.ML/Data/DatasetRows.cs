using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Data;

/// <summary>The rows of a data set with what the row rules decided.</summary>
public sealed record DatasetRows(List<IssueModelInput> Rows, string[] LabelSet, int Censored, int LeftOut);
