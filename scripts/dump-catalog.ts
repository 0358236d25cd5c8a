// Dev tool: introspect a PostgreSQL database and print its Catalog as JSON (for review and fixtures).
// Usage: npx tsx scripts/dump-catalog.ts <postgres-url> [out.json] [--schemas=a,b] [--no-measure]
// Read-only against the source; the password comes from the URL, PG2MY_SOURCE_PASSWORD or PGPASSWORD
// and never reaches the output. Writes only the named output file (stdout when none).

import { writeFileSync } from 'node:fs';
import { parseConnectionUrl } from '../src/config/urls.js';
import { exitCodeFor, isMigrationError } from '../src/errors.js';
import { connectSource } from '../src/source/postgres/connect.js';
import { introspect } from '../src/source/postgres/introspect.js';

const USAGE =
  'Usage: npx tsx scripts/dump-catalog.ts <postgres-url> [out.json] [--schemas=a,b] [--no-measure]';

async function main(argv: readonly string[]): Promise<void> {
  const flags = argv.filter((a) => a.startsWith('--'));
  const [url, out, ...extra] = argv.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--no-measure' && !f.startsWith('--schemas='));
  if (!url || extra.length > 0 || unknown.length > 0) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const schemasFlag = flags.find((f) => f.startsWith('--schemas='));
  const schemas = schemasFlag
    ?.slice('--schemas='.length)
    .split(',')
    .filter((s) => s !== '');
  const spec = parseConnectionUrl(url, 'source', ['PG2MY_SOURCE_PASSWORD', 'PGPASSWORD']);
  const client = await connectSource(spec);
  try {
    const catalog = await introspect(client, {
      ...(schemas ? { schemas } : {}),
      measure: !flags.includes('--no-measure'),
    });
    const text = `${JSON.stringify(catalog, null, 2)}\n`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  } finally {
    await client.end().catch(() => {});
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (isMigrationError(e)) console.error(`${e.code}: ${e.message}${e.hint ? `\n${e.hint}` : ''}`);
  else console.error(e);
  process.exitCode = exitCodeFor(e);
});
