// Config snippets for error messages and hints: a decision spelled as a one-line pg2my.yaml fragment that
// the config schema accepts exactly as written, e.g. `types: { textKey: varchar(320) }` or
// `columns: { public.t.c: { type: longtext } }`. Pure.
// Invariant: every snippet, pasted alone into a pg2my.yaml, validates (test/unit/config-snippets.test.ts).

import type { TypeDecisions } from './options.js';

/** A YAML flow scalar: plain when it is unambiguous as a string, else double-quoted (JSON is valid YAML). */
export function yamlScalar(s: string): string {
  return /^[A-Za-z][\w.()-]*$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(s)
    ? s
    : JSON.stringify(s);
}

/** `types: { <key>: <value> }`, in backticks. */
export function typesSnippet(key: keyof TypeDecisions, value: string): string {
  return `\`types: { ${key}: ${yamlScalar(value)} }\``;
}

/** `columns: { <schema.table.column>: { type: <value> } }` (or collation), in backticks. */
export function columnSnippet(column: string, value: string, field: 'type' | 'collation' = 'type'): string {
  return `\`columns: { ${yamlScalar(column)}: { ${field}: ${yamlScalar(value)} } }\``;
}
