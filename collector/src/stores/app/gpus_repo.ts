/**
 * GPUs and hosts. recordReport is on ingest's path: one transaction of prepared upserts per
 * batch. A replayed older report never overwrites a newer reading (last_seen_at only moves on).
 */
import type Database from 'better-sqlite3';
import type { ProcessSample } from '@gpuoptimizer/shared';
import type { Clock, HostReport } from '../../ports.js';
import { newId } from './ids.js';
import type { SecretBox } from './secret_box.js';
import type { GpuListQuery, GpuRecord, GpusRepo, GpuSummary, HostRecord } from './types.js';
import { GPU_SQL, gpuRow, hostRow, toGpuRecord, toGpuSummary, toHost, type GpuRow, type HostRow } from './gpus_sql.js';

const credsAad = (id: string) => `gpus.credentials:${id}`;

/** Builds the GPUs repository over an open database. */
export function createGpusRepo(db: Database.Database, clock: Clock, box: SecretBox): GpusRepo {
  const s = Object.fromEntries(Object.entries(GPU_SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<
    keyof typeof GPU_SQL,
    Database.Statement
  >;
  const seal = (id: string, c: { accessKey: string; secretKey: string } | null) =>
    c ? box.seal(JSON.stringify(c), credsAad(id)) : null;

  // Per-tenant change counters: in memory, since this store is single-process SQLite.
  const revisions = new Map<string, number>();
  let nextRevision = 1;
  const touched = (tenantId: string) => void revisions.set(tenantId, nextRevision++);

  const recordReport = db.transaction((r: HostReport) => {
    const seen = r.seenAt.toISOString();
    s.upsertHost.run(hostRow(r, seen));
    const byGpu = groupProcesses(r.processes);
    for (const g of r.gpus) s.upsertGpu.run(gpuRow(r, g, byGpu, newId('gpu'), seen, clock.now().toISOString()));
  });

  function byId(tenantId: string, id: string): GpuRecord | null {
    const row = s.byId.get(id, tenantId) as GpuRow | undefined;
    return row ? toGpuRecord(row) : null;
  }

  return {
    recordReport: (r) => {
      recordReport(r);
      touched(r.tenantId);
    },
    revision: (tenantId) => revisions.get(tenantId) ?? 0,
    list(tenantId: string, q: GpuListQuery) {
      const p = {
        tenant: tenantId, provider: q.provider ?? null, status: q.status ?? null,
        since: q.onlineSince, idle: q.idleBelowPct,
      };
      const rows = s.list.all({ ...p, limit: q.perPage, offset: (q.page - 1) * q.perPage }) as GpuRow[];
      const total = (s.count.get(p) as { n: number }).n;
      return { rows: rows.map(toGpuSummary) as GpuSummary[], total };
    },
    byId,
    host(tenantId, hostId): HostRecord | null {
      const row = s.host.get(tenantId, hostId) as HostRow | undefined;
      return row ? toHost(row) : null;
    },
    createManual(tenantId, g) {
      const id = newId('gpu');
      const at = clock.now().toISOString();
      touched(tenantId);
      s.insertManual.run({
        id, tenant: tenantId, name: g.name, provider: g.provider, instance_type: g.instanceType,
        region: g.region, zone: g.zone ?? null, credentials: seal(id, g.credentials), at,
      });
      return byId(tenantId, id) as GpuRecord;
    },
    update(tenantId, id, f) {
      const setCreds = f.credentials !== undefined;
      touched(tenantId);
      s.update.run({
        id, tenant: tenantId, at: clock.now().toISOString(), name: f.name ?? null, provider: f.provider ?? null,
        instance_type: f.instanceType ?? null, region: f.region ?? null, set_region: f.region !== undefined ? 1 : 0,
        zone: f.zone ?? null, set_zone: f.zone !== undefined ? 1 : 0,
        set_credentials: setCreds ? 1 : 0, credentials: setCreds ? seal(id, f.credentials ?? null) : null,
      });
      return byId(tenantId, id);
    },
    remove(tenantId, id) {
      touched(tenantId);
      return s.remove.run(clock.now().toISOString(), id, tenantId).changes > 0;
    },
    credentials(tenantId, id) {
      const row = s.credentials.get(id, tenantId) as { credentials: Buffer | null } | undefined;
      if (!row?.credentials) return null;
      return JSON.parse(box.open(row.credentials, credsAad(id))) as { accessKey: string; secretKey: string };
    },
  };
}

function groupProcesses(processes: ProcessSample[] | undefined): Map<string, ProcessSample[]> | null {
  if (!processes) return null;
  const out = new Map<string, ProcessSample[]>();
  for (const p of processes) {
    const list = out.get(p.gpu_uuid);
    if (list) list.push(p);
    else out.set(p.gpu_uuid, [p]);
  }
  return out;
}
