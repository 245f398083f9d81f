using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Data;

/// <summary>The store has too few usable rows for a model and <c>Ml:AllowSyntheticData</c> is false.</summary>
public sealed class InsufficientDataException(string message) : InvalidOperationException(message);
