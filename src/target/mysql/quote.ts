// MySQL quoting: identifiers in backticks, string literals in single quotes, and SqlFragments (the
// planner's quoting-free SQL pieces) rendered to text. Pure; the one place names and values become SQL.
// Invariants: quoteIdent(x) is exactly one identifier token; quoteString(x) is one literal that reads back
// as x with the default sql_mode (NO_BACKSLASH_ESCAPES off); raw fragment parts are checked against a
// whitelist so that no comment, quote or statement separator can ride in on them.

import { MigrationError } from '../../errors.js';
import type { SqlFragment } from '../../plan/model.js';

/** Backtick-quote an identifier, doubling embedded backticks. Throws on empty names and NUL. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new MigrationError('IDENTIFIER_INVALID', `Cannot quote identifier ${JSON.stringify(name)}.`, {
      details: { name },
    });
  }
  return '`' + name.replaceAll('`', '``') + '`';
}

/**
 * A table name as SQL: `table`, or `database`.`table` when schemaMap puts the table in another database
 * on the target server (absent database = the connection's, i.e. the target URL's, database).
 */
export function quoteTable(table: string, database?: string): string {
  return database === undefined ? quoteIdent(table) : `${quoteIdent(database)}.${quoteIdent(table)}`;
}

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "''",
  '\u0000': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\u001a': '\\Z',
};

/**
 * Single-quote a string literal: `'` doubled, backslash, NUL, LF, CR and Ctrl-Z escaped with backslash
 * (as mysql_real_escape_string does). Requires NO_BACKSLASH_ESCAPES to be off in the executing session.
 */
export function quoteString(value: string): string {
  let out = "'";
  for (const ch of value) out += STRING_ESCAPES[ch] ?? ch;
  return out + "'";
}

/**
 * Raw fragment parts may hold keywords, operators, numbers, parentheses and commas only: no quotes,
 * backticks, semicolons, comment starters (`--`, `#`, `/*`) or backslashes.
 */
const SAFE_RAW = /^[A-Za-z0-9_ ().,<>=!+\-*/%]*$/;
const COMMENT = /--|\/\*|\*\//;

/** Render a SqlFragment: raw parts as is (after a whitelist check), identifiers and strings quoted. */
export function renderFragment(fragment: SqlFragment): string {
  let out = '';
  for (const part of fragment) {
    if (typeof part === 'string') {
      if (!SAFE_RAW.test(part) || COMMENT.test(part)) {
        throw new MigrationError(
          'INTERNAL',
          `Refusing to render unsafe raw SQL part ${JSON.stringify(part)}.`,
          {
            details: { part },
          },
        );
      }
      out += part;
    } else if ('ident' in part) out += quoteIdent(part.ident);
    else out += quoteString(part.str);
  }
  if (COMMENT.test(out.replace(/`(?:[^`]|``)*`|'(?:[^'\\]|''|\\.)*'/g, ''))) {
    throw new MigrationError('INTERNAL', 'Rendered fragment would contain a comment marker.', {
      details: { sql: out },
    });
  }
  return out;
}

/** A name that may be written unquoted after CHARACTER SET / COLLATE: letters, digits, underscore. */
export function checkedSqlName(name: string, what: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    throw new MigrationError('CONFIG_INVALID', `Invalid ${what} name ${JSON.stringify(name)}.`, {
      details: { name },
      hint: `Use a ${what} name of letters, digits and underscores, e.g. utf8mb4_0900_bin.`,
    });
  }
  return name;
}
