// The resume fingerprint: what a run of this plan must match to continue another run's checkpoints. It is
// the plan without its size estimates (statistics move with ANALYZE; the data does not in a write-quiet
// window, and verify proves the end result anyway). Pure; migrate and assess both use it.

import { createHash } from 'node:crypto';
import type { MigrationPlan } from './model.js';
import { canonicalJson } from './plan.js';

export function resumeFingerprint(plan: MigrationPlan): string {
  const { fingerprint: _f, ...body } = plan;
  const tables = plan.tables.map(({ estimatedRows: _r, totalBytes: _b, ...t }) => t);
  return createHash('sha256')
    .update(canonicalJson({ ...body, tables }))
    .digest('hex');
}
