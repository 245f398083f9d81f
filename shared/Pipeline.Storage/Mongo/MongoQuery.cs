using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Pipeline.Storage.Mongo;

/// <summary>Maps <see cref="DocumentQuery"/> to MongoDB.Driver builders. Rejects the same malformed filters as the
/// PostgreSQL adapter, so both behave alike.</summary>
internal static class MongoQuery
{
    private static readonly FilterDefinitionBuilder<BsonDocument> F = Builders<BsonDocument>.Filter;

    public static FilterDefinition<BsonDocument> Filter(IReadOnlyList<FieldFilter>? filters)
    {
        if (filters is null || filters.Count == 0) return F.Empty;
        var parts = filters.Select(Condition).ToList();
        return parts.Count == 1 ? parts[0] : F.And(parts);
    }

    private static FilterDefinition<BsonDocument> Condition(FieldFilter filter)
    {
        var path = StoreNames.FieldPath(filter.Path);
        var value = filter.Value;
        return filter.Op switch
        {
            FilterOp.Eq => F.Eq(path, BsonJson.ToBsonValue(value)),
            FilterOp.Ne => F.Ne(path, BsonJson.ToBsonValue(value)),
            FilterOp.Gt => F.Gt(path, RangeValue(filter)),
            FilterOp.Gte => F.Gte(path, RangeValue(filter)),
            FilterOp.Lt => F.Lt(path, RangeValue(filter)),
            FilterOp.Lte => F.Lte(path, RangeValue(filter)),
            FilterOp.In => F.In(path, (value as JsonArray ?? throw new ArgumentException($"Filter In on '{path}' needs an array value"))
                .Select(BsonJson.ToBsonValue)),
            FilterOp.Exists => F.Exists(path, value is null || value.GetValueKind() != JsonValueKind.False),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter.Op, "Unknown filter operator"),
        };
    }

    private static BsonValue RangeValue(FieldFilter filter) => filter.Value?.GetValueKind() switch
    {
        JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => BsonJson.ToBsonValue(filter.Value),
        _ => throw new ArgumentException($"Filter {filter.Op} on '{filter.Path}' needs a string, number or boolean value"),
    };

    public static SortDefinition<BsonDocument>? Sort(DocumentQuery query)
    {
        if (query.SortBy is null) return null;
        var path = StoreNames.FieldPath(query.SortBy);
        return query.Descending ? Builders<BsonDocument>.Sort.Descending(path) : Builders<BsonDocument>.Sort.Ascending(path);
    }

    public static ProjectionDefinition<BsonDocument>? Projection(IReadOnlyList<string>? fields)
    {
        if (fields is null) return null;
        var include = Builders<BsonDocument>.Projection.Include(DocumentJson.IdField);
        foreach (var field in fields.Distinct())
        {
            if (StoreNames.Segments(field).Length != 1) throw new ArgumentException($"Only top-level fields can be selected, not '{field}'");
            include = include.Include(field);
        }
        return include;
    }

    /// <summary>Renders a filter as the BSON the driver sends (for logs and tests).</summary>
    public static BsonDocument Render(FilterDefinition<BsonDocument> filter)
    {
        var serializer = MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>();
        return filter.Render(new RenderArgs<BsonDocument>(serializer, MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry));
    }
}
