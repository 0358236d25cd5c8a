// Preflight, source side: connect both servers with the configured timeout, TLS in use on each connection,
// the PostgreSQL version, and the source privileges (CONNECT, USAGE on schemas, SELECT on every table and
// sequence, row-level security bypassed). Target checks are in preflight-target.ts.
// Invariants: read-only; each finding names the missing privilege; a failed connection is a blocking risk
// (never a crash); endpoints are shown through describe() only, so no password reaches the report.

import type { Catalog } from '../catalog/model.js';
import type { ConnectionSpec } from '../config/urls.js';
import { describe } from '../config/urls.js';
import { isMigrationError } from '../errors.js';
import {
  missingSourcePrivileges,
  rlsFilteredTables,
  type SourceFacts,
} from '../source/postgres/assess-queries.js';
import type { SourceClient } from '../source/postgres/connect.js';
import { connectSource } from '../source/postgres/connect.js';
import { connectTarget, type TargetSession } from '../target/mysql/connect.js';
import type { CheckResult, Risk } from './report.js';

export interface Findings {
  readonly risks: Risk[];
  readonly checks: CheckResult[];
}

export const findings = (): Findings => ({ risks: [], checks: [] });
const loopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

export function blocking(
  id: Risk['id'],
  title: string,
  description: string,
  impact: string,
  mitigation: string,
  objects?: string[],
): Risk {
  return {
    id,
    severity: 'blocking',
    status: 'open',
    title,
    description,
    impact,
    probability: 'certain',
    blastRadius: objects ? { objects } : {},
    mitigation,
  };
}

/** Connect to the source (and the target, when given); a failure becomes a blocking risk, not an exception. */
export async function connectBoth(
  src: ConnectionSpec,
  tgt: ConnectionSpec | undefined,
  connectTimeoutMs: number,
): Promise<Findings & { client?: SourceClient; target?: TargetSession }> {
  const f = findings();
  let client: SourceClient | undefined;
  let target: TargetSession | undefined;
  try {
    client = await connectSource(src, { connectTimeoutMs });
    f.checks.push({ name: 'source connection', status: 'pass', detail: describe(src) });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    f.checks.push({ name: 'source connection', status: 'fail', detail: msg });
    f.risks.push(
      blocking(
        'SOURCE_CONNECT_FAILED',
        `cannot connect to the source ${describe(src)}`,
        msg,
        'Nothing can be assessed or migrated.',
        (isMigrationError(e) && e.hint) || 'Check the source URL, network and credentials.',
      ),
    );
  }
  if (tgt) {
    try {
      target = await connectTarget(tgt, { connectTimeoutMs });
      f.checks.push({
        name: 'target connection',
        status: 'pass',
        detail: `${describe(tgt)} — ${target.version}`,
      });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const version = isMigrationError(e) && e.code === 'PREFLIGHT_FAILED';
      f.checks.push({ name: version ? 'target version' : 'target connection', status: 'fail', detail: msg });
      f.risks.push(
        blocking(
          version ? 'TARGET_VERSION_UNSUPPORTED' : 'TARGET_CONNECT_FAILED',
          version
            ? `the target ${describe(tgt)} is not MySQL 8+ or MariaDB 10.6+`
            : `cannot connect to the target ${describe(tgt)}`,
          msg,
          'The target checks, the collation test and the load probe cannot run; migrate cannot either.',
          (isMigrationError(e) && e.hint) || 'Check the target URL, network and credentials.',
        ),
      );
    }
  } else f.checks.push({ name: 'target connection', status: 'skip', detail: 'no target given' });
  return { ...f, ...(client ? { client } : {}), ...(target ? { target } : {}) };
}

export function tlsFinding(
  f: Findings,
  side: 'source' | 'target',
  spec: ConnectionSpec,
  ssl: { on: boolean; version?: string; cipher?: string },
): void {
  if (ssl.on) {
    f.checks.push({
      name: `${side} TLS`,
      status: 'pass',
      detail: `${ssl.version ?? 'TLS'} ${ssl.cipher ?? ''}`.trim(),
    });
    return;
  }
  const local = loopback(spec.host);
  f.checks.push({
    name: `${side} TLS`,
    status: local ? 'warn' : 'fail',
    detail: `not encrypted (sslmode ${spec.tls})`,
  });
  f.risks.push({
    id: 'TLS_NOT_IN_USE',
    severity: local ? 'info' : 'high',
    status: 'open',
    title: `the ${side} connection to ${spec.host}:${spec.port} is not encrypted`,
    description: `The ${side} session reports no TLS (sslmode ${spec.tls}).${local ? ' The host is a loopback address, so the data stays on this machine.' : ''}`,
    impact: local
      ? 'None on a loopback connection.'
      : 'Every row (and the login exchange) crosses the network in clear text.',
    probability: local ? 'unlikely' : 'likely',
    blastRadius: { objects: [describe(spec)] },
    mitigation: `Add ?sslmode=verify-full to the ${side} URL (the default for non-loopback hosts) and enable TLS on the server.`,
  });
}

/** Source checks: version, TLS, privileges on what the catalog holds, row-level security. */
export async function sourcePreflight(
  client: SourceClient,
  spec: ConnectionSpec,
  facts: SourceFacts,
  catalog: Catalog | undefined,
): Promise<Findings> {
  const f = findings();
  const okVersion = facts.versionNum >= 120000;
  f.checks.push({ name: 'source version', status: okVersion ? 'pass' : 'fail', detail: facts.version });
  if (!okVersion)
    f.risks.push(
      blocking(
        'SOURCE_VERSION_UNSUPPORTED',
        `the source runs ${facts.version}`,
        'pg2my reads PostgreSQL 12 and later.',
        'Introspection and copy queries use features of PostgreSQL 12+.',
        'Upgrade the source, or dump and restore it into PostgreSQL 12+ first.',
      ),
    );
  tlsFinding(f, 'source', spec, facts.ssl);
  if (!catalog) return f;
  const missing = await missingSourcePrivileges(client, catalog.schemas, catalog.tables, catalog.sequences);
  const list = missing.map((m) => `${m.privilege} on ${m.object}`);
  f.checks.push({
    name: 'source privileges',
    status: missing.length ? 'fail' : 'pass',
    detail: missing.length
      ? list.join(', ')
      : `CONNECT, USAGE on ${catalog.schemas.length} schema(s), SELECT on ${catalog.tables.length} table(s) and ${catalog.sequences.length} sequence(s)`,
  });
  if (missing.length)
    f.risks.push(
      blocking(
        'SOURCE_PRIVILEGE_MISSING',
        `the source role ${facts.user} lacks ${missing.length} privilege(s): ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`,
        `Missing: ${list.join(', ')}.`,
        'Migrate cannot read those objects and stops.',
        `GRANT the listed privileges to ${facts.user} (pg_read_all_data on PostgreSQL 14+ covers SELECT and USAGE).`,
        list,
      ),
    );
  const rls = await rlsFilteredTables(
    client,
    catalog.tables.filter((t) => t.rowSecurity),
  );
  f.checks.push({
    name: 'row-level security',
    status: rls.length ? 'fail' : 'pass',
    detail: rls.length
      ? `policies filter ${rls.join(', ')}`
      : facts.superuser || facts.bypassRls
        ? 'role bypasses RLS'
        : 'no table filters this role',
  });
  for (const t of rls)
    f.risks.push({
      ...blocking(
        'RLS_NOT_BYPASSED',
        `${t}: row-level security applies to ${facts.user}`,
        `${t} has row-level security and ${facts.user} is neither a superuser, nor BYPASSRLS, nor the owner of a table without FORCE ROW LEVEL SECURITY.`,
        'The copy (and verify) would see only the rows the policies allow: a silent subset.',
        `Run as the table owner or a role with BYPASSRLS (ALTER ROLE ${facts.user} BYPASSRLS).`,
      ),
      blastRadius: { table: t },
    });
  return f;
}
