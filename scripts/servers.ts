// CLI for the throwaway test/demo servers: npx tsx scripts/servers.ts <start|stop|status|env|urls>.
// All logic lives in scripts/lib/servers-lib.ts; this file only parses the command and prints.
// Invariant: passwords are printed only by `env` and `urls` (operator use); everything else redacts them.
// Logs go to stderr; stdout carries only the URLs / export lines / status lines.

import {
  ensureServers,
  readServerInfo,
  redactedUrl,
  serverStatus,
  serverUrls,
  stopServers,
} from './lib/servers-lib.js';

const USAGE = 'usage: npx tsx scripts/servers.ts <start|stop|status|env|urls>';

/** Quote for a POSIX shell single-quoted string. */
const shq = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

async function main(cmd: string | undefined): Promise<number> {
  switch (cmd) {
    case 'start': {
      const urls = serverUrls(await ensureServers());
      process.stdout.write(`pg:    ${redactedUrl(urls.pg)}\nmysql: ${redactedUrl(urls.mysql)}\n`);
      return 0;
    }
    case 'stop':
      await stopServers();
      return 0;
    case 'status': {
      const info = readServerInfo();
      if (!info) {
        process.stdout.write('pg: not initialized\nmariadb: not initialized\n');
        return 3;
      }
      const st = await serverStatus(info);
      const line = (name: string, s: { running: boolean; pid: number | null }, port: number) =>
        s.running ? `${name}: running (pid ${s.pid}, ${info.pg.host}:${port})\n` : `${name}: not running\n`;
      process.stdout.write(line('pg', st.pg, info.pg.port) + line('mariadb', st.mariadb, info.mariadb.port));
      return st.pg.running && st.mariadb.running ? 0 : 3;
    }
    case 'env':
    case 'urls': {
      const info = readServerInfo() ?? (await ensureServers());
      const urls = serverUrls(info);
      process.stdout.write(
        cmd === 'env'
          ? `export PG2MY_TEST_PG_URL=${shq(urls.pg)}\nexport PG2MY_TEST_MYSQL_URL=${shq(urls.mysql)}\n`
          : `pg:    ${urls.pg}\nmysql: ${urls.mysql}\n`,
      );
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`servers: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
