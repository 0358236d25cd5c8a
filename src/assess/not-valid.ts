// NOT_VALID_CONSTRAINT risks: every PostgreSQL CHECK (a table's or a domain's) or FOREIGN KEY marked NOT
// VALID, with the rows that violate it today (counted on the source) and what the plan does with it on this
// dialect (plan/post-data.ts: MariaDB keeps "old rows unchecked, new rows checked"; MySQL 8 can only add
// such a CHECK NOT ENFORCED). Invariants: one risk per constraint, named by its source `schema.table` and
// constraint name; a count that could not be measured is said to be unknown, never reported as 0.

import type { Catalog } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import type { MigrationPlan } from '../plan/model.js';
import type { SourceClient } from '../source/postgres/connect.js';
import {
  countNotValidViolations,
  type NotValidConstraint,
  notValidConstraints,
} from '../source/postgres/not-valid-counts.js';
import type { Risk, Severity } from './report.js';

/** The risks for a catalog, plan and measured counts (pure; the counts come from countNotValidViolations). */
export function notValidRisks(
  constraints: readonly NotValidConstraint[],
  plan: MigrationPlan | undefined,
  dialect: Dialect,
  counts: readonly (number | string)[],
): Risk[] {
  return constraints.map((f, i) => {
    const src = `${f.table.schema}.${f.table.name}`;
    const measured = counts[i];
    const rows = typeof measured === 'number' ? measured : undefined;
    const warning = plan?.warnings.find(
      (w) => w.code === 'NOT_VALID_CONSTRAINT' && w.object === `${src}.${f.name}`,
    );
    const violate =
      rows === undefined
        ? `the rows that violate it could not be counted (${measured ?? 'not measured'})`
        : `${rows} existing row${rows === 1 ? '' : 's'} violate${rows === 1 ? 's' : ''} it`;
    const notEnforced = f.kind !== 'FOREIGN KEY' && dialect.uncheckedCheck === 'not-enforced' && warning;
    const severity: Severity = notEnforced || rows === undefined ? 'medium' : rows > 0 ? 'low' : 'info';
    const doing = !plan
      ? 'The plan could not be built, so what migrate does with it is not known yet.'
      : warning
        ? `The plan: ${warning.message}.`
        : `It is not converted (see its NOT_CONVERTED risk).`;
    const kindText = f.kind === 'FOREIGN KEY' ? 'foreign key' : 'CHECK';
    const validate =
      f.kind === 'DOMAIN CHECK'
        ? `ALTER DOMAIN … VALIDATE CONSTRAINT … (domain of column ${f.column})`
        : `ALTER TABLE ${src} VALIDATE CONSTRAINT ${f.name}`;
    return {
      id: 'NOT_VALID_CONSTRAINT',
      severity,
      status: 'open',
      title: `${src}: ${kindText} ${f.name} is NOT VALID; ${violate}`,
      description: `${kindText} ${f.name} on ${src} was added NOT VALID in PostgreSQL: existing rows were never checked, new and updated rows are; ${violate}. ${doing}`,
      impact: notEnforced
        ? 'On MySQL 8 the CHECK exists but is NOT ENFORCED: rows PostgreSQL would reject are accepted on the target.'
        : `${rows === 0 ? 'None.' : 'The violating rows are copied as they are.'} On the target, as in PostgreSQL, new and updated rows are checked${
            f.kind !== 'FOREIGN KEY' && rows !== 0
              ? '; a later ALTER TABLE that copies the table (e.g. MODIFY) fails on the violating rows unless run with SET SESSION check_constraint_checks=0'
              : ''
          }.`,
      probability: 'certain',
      blastRadius: {
        table: src,
        ...(f.kind === 'FOREIGN KEY' ? { column: f.fk.columns.join(', ') } : {}),
        ...(f.kind === 'DOMAIN CHECK' ? { column: f.column } : {}),
        ...(rows !== undefined ? { rows } : {}),
        objects: [f.name],
      },
      mitigation:
        rows === 0
          ? `No row violates it: run ${validate} in PostgreSQL before migrating, and it becomes an ordinary constraint on the target.`
          : `Fix the violating rows in PostgreSQL and run ${validate} before migrating, or accept the behaviour described.`,
    };
  });
}

/** Count the violating rows on the source, then build the risks. */
export async function scanNotValid(
  client: SourceClient,
  catalog: Catalog,
  plan: MigrationPlan | undefined,
  dialect: Dialect,
): Promise<Risk[]> {
  const found = notValidConstraints(catalog);
  if (found.length === 0) return [];
  return notValidRisks(found, plan, dialect, await countNotValidViolations(client, found));
}
