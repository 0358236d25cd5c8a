// The MySQL-family targets an integration test runs against: MariaDB (always, the project's own server) and
// MySQL 8 when PG2MY_TEST_MYSQL8_URL is set (no MySQL 8 server can be installed here; see the README).
// Use: `for (const target of testTargets()) test(`… (${target.dialect})`, { skip: target.skip }, …)`.

import type { Dialect } from '../../src/dialect/capabilities.js';
import { freshMysql8Database, freshMysqlDatabase } from './servers.js';

export interface TestTarget {
  readonly dialect: Dialect['name'];
  /** A reason to skip (MySQL 8 without PG2MY_TEST_MYSQL8_URL), or false. */
  readonly skip: string | false;
  /** Drop and create database `name` on this target and return its admin URL. */
  fresh(name: string): Promise<string>;
}

const hasMysql8 = (): boolean => Boolean(process.env.PG2MY_TEST_MYSQL8_URL);

/** MariaDB always; MySQL 8 as a skipped variant unless PG2MY_TEST_MYSQL8_URL is set. */
export function testTargets(): readonly TestTarget[] {
  return [
    { dialect: 'mariadb', skip: false, fresh: freshMysqlDatabase },
    {
      dialect: 'mysql8',
      skip: hasMysql8() ? false : 'PG2MY_TEST_MYSQL8_URL is not set (no MySQL 8 server here)',
      fresh: async (name) => {
        const url = await freshMysql8Database(name);
        if (url === null) throw new Error('PG2MY_TEST_MYSQL8_URL is not set');
        return url;
      },
    },
  ];
}
