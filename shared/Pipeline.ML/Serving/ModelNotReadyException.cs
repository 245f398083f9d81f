using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>No champion of this model is loaded yet (HTTP 503).</summary>
public sealed class ModelNotReadyException(string model) : Exception($"Model '{model}' has no champion loaded yet; train it first (POST /api/models/{model}/retrain)")
{
    public string Model { get; } = model;
}
