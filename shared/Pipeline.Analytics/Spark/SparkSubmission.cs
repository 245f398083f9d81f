using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Analytics.Spark;

/// <summary>A submitted Spark job: the application name and whether this call created it (false: it existed, 409).</summary>
public sealed record SparkSubmission(string ApplicationName, bool Created);
