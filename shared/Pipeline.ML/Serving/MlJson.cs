using System.Text.Json;

namespace Pipeline.ML.Serving;

public static class MlJson
{
    /// <summary>Serializer settings of the ML HTTP API: the one policy of every route (camelCase, <see cref="Pipeline.Domain.Json.PipelineJson"/>).</summary>
    public static JsonSerializerOptions Options => Pipeline.Domain.Json.PipelineJson.Options;
}
