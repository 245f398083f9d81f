using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Monitoring;

/// <summary>One resolution pass over every pending prediction.</summary>
public sealed record ResolutionPass(int Scanned, int Resolved, int Expired, int StillPending);
