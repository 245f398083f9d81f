using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Embedded;

/// <summary>Topic to create on the embedded broker. The mock has no Admin API, so topics are made here.</summary>
public sealed record EmbeddedTopic(string Name, int Partitions);
