using System.Globalization;
using Pipeline.Audit;
using Pipeline.Audit.Reporting;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Orchestration.Audit;

/// <summary>Runs the audit and upserts the report into the <c>audits</c> collection with <c>_id</c> = instance id.</summary>
public sealed class RunRepositoryAuditActivity(AuditService audit, IDocumentStore store) : PipelineActivity<AuditJob, AuditJobResult>
{
    public override async Task<AuditJobResult> ExecuteAsync(AuditJob input)
    {
        var report = await audit.AuditAsync(input.Request);
        var document = AuditJson.ToJsonObject(report);
        document["_id"] = input.InstanceId;
        document["instanceId"] = input.InstanceId;
        document["createdAt"] = report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        await store.UpsertAsync(Collections.Audits, input.InstanceId, document);
        return new AuditJobResult(input.InstanceId, Collections.Audits, report.MlTestScore.Final, report.MlTestScore.Band, report.Statistics.CommitsAnalyzed);
    }
}
