// Table-driven tests of the PostgreSQL → MySQL expression whitelist: what translates (rendered with the
// real quoting), what is refused and why, that nothing ever throws or passes source text through, and
// how column defaults are classified.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderFragment } from '../target/mysql/quote.js';
import { type ExprColumn, parseDefault, type TranslateOptions, translateExpr } from './translate-expr.js';

const COLUMNS = new Map<string, ExprColumn>([
  ['qty', { target: 'qty', kind: 'int' }],
  ['price', { target: 'price', kind: 'num' }],
  ['rate', { target: 'rate', kind: 'float' }],
  ['name', { target: 'name', kind: 'text' }],
  ['status', { target: 'status', kind: 'text' }],
  ['active', { target: 'active', kind: 'bool' }],
  ['mood', { target: 'mood', kind: 'enum' }],
  ['data', { target: 'data', kind: 'other' }],
  ['Mixed Case', { target: 'Mixed Case', kind: 'int' }],
  ['order', { target: 'order', kind: 'int' }],
  ['x"y', { target: 'x"y', kind: 'int' }],
  ['long_source_name', { target: 'short_target', kind: 'int' }],
]);
const OPTS: TranslateOptions = { columns: COLUMNS, boolean: true };

const TRANSLATED: readonly [input: string, mysql: string][] = [
  ['(qty > 0)', '(`qty` > 0)'],
  ['((qty >= 0) AND (qty <= 100))', '((`qty` >= 0) AND (`qty` <= 100))'],
  ['((qty < 0) OR (qty IS NULL))', '((`qty` < 0) OR (`qty` IS NULL))'],
  ['(price >= (0)::numeric)', '(`price` >= 0)'],
  ["(price > '1.5'::numeric)", '(`price` > 1.5)'],
  [
    "((status)::text = ANY ((ARRAY['open'::character varying, 'paid'::character varying])::text[]))",
    "(`status` IN ('open', 'paid'))",
  ],
  ["(status = ANY (ARRAY['a'::text, 'b'::text]))", "(`status` IN ('a', 'b'))"],
  ["(status <> ALL (ARRAY['x'::text]))", "(`status` NOT IN ('x'))"],
  ["(status IN ('a', 'b'))", "(`status` IN ('a', 'b'))"],
  ["(status NOT IN ('a'))", "(`status` NOT IN ('a'))"],
  ['(qty IS NOT NULL)', '(`qty` IS NOT NULL)'],
  ['(NOT active)', '(NOT `active`)'],
  ['active', '`active`'],
  ['(active = true)', '(`active` = TRUE)'],
  ['(length(name) > 3)', '(CHAR_LENGTH(`name`) > 3)'],
  ['(char_length((name)::text) <= 10)', '(CHAR_LENGTH(`name`) <= 10)'],
  ["(lower(name) = 'abc'::text)", "(LOWER(`name`) = 'abc')"],
  ["(upper(name) <> ''::text)", "(UPPER(`name`) <> '')"],
  ["(btrim(name) <> ''::text)", "(TRIM(`name`) <> '')"],
  ['("Mixed Case" > 1)', '(`Mixed Case` > 1)'],
  ['("order" BETWEEN 1 AND 10)', '(`order` BETWEEN 1 AND 10)'],
  ['("order" NOT BETWEEN 1 AND 10)', '(`order` NOT BETWEEN 1 AND 10)'],
  ['((qty / 2) > 1)', '((`qty` DIV 2) > 1)'],
  ['((qty % 2) = 0)', '((`qty` % 2) = 0)'],
  ['(((qty * 2) + 1) - qty) > 0', '((((`qty` * 2) + 1) - `qty`) > 0)'],
  ['(price * (qty)::numeric) > 0', '((`price` * `qty`) > 0)'],
  ["(qty = '-1'::integer)", '(`qty` = -1)'],
  ['(qty > (- 1))', '(`qty` > (- 1))'],
  ['(qty > - - 1)', '(`qty` > (- (- 1)))'],
  ['((qty)::bigint > 0)', '(`qty` > 0)'],
  ["(name = 'it''s'::text)", "(`name` = 'it''s')"],
  ["(name = 'back\\slash'::text)", "(`name` = 'back\\\\slash')"],
  ['("x""y" = 1)', '(`x"y` = 1)'],
  ['(long_source_name = 1)', '(`short_target` = 1)'],
  ['(data IS NULL)', '(`data` IS NULL)'],
  ['(rate > 0)', '(`rate` > 0)'],
  ['(qty = NULL)', '(`qty` = NULL)'],
  ['(QTY > 0)', '(`qty` > 0)'],
  ['(qty = ANY (ARRAY[1, 2]::integer[]))', '(`qty` IN (1, 2))'],
];

test('translates the whitelist', () => {
  for (const [input, want] of TRANSLATED) {
    const got = translateExpr(input, OPTS);
    assert.ok(got.ok, `${input}: ${got.ok ? '' : got.reason}`);
    assert.equal(renderFragment(got.sql), want, input);
  }
});

const REFUSED: readonly [input: string, reason: RegExp][] = [
  ["(name ~~ '%@%'::text)", /operator ~~/],
  ["(name ~ '^x'::text)", /operator ~/],
  ["((price || 'x'::text) = name)", /\|\| of a num value/],
  ['((name || rate) = name)', /\|\| of a float value/],
  ['((doc ->> 0) = name)', /string key/],
  ["((name ->> 'a'::text) = name)", /->> on a text value/],
  ["((doc ->> 'a\"b'::text) = name)", /JSON key/],
  ["((doc ->> ''::text) = name)", /JSON key/],
  ["((doc -> 'a'::text) = name)", /comparison of json/],
  ['(COALESCE(qty, name) = name)', /COALESCE\(\) over int and text/],
  ["(((doc -> 't'::text))::tsvector IS NULL)", /cast of a json value to tsvector/],
  [
    "(((doc -> 't'::text))::double precision > (0)::double precision)",
    /cast of a json value to double precision/,
  ],
  ["(name #> '{a}'::text[])", /operator #>/],
  ["((name || status) = 'ab'::text)", /comparison of a computed string/],
  ["(COALESCE(name, ''::text) <> ''::text)", /comparison of a computed string/],
  ["(lower((doc ->> 'k'::text)) = 'x'::text)", /comparison of a computed string/],
  ["((doc ->> 'k'::text) IN ('a', 'b'))", /comparison of a computed string/],
  ["(name > 'a'::text)", /text ordering/],
  ['((price / (2)::numeric) > (1)::numeric)', /divides differently/],
  ["((qty)::text = '1'::text)", /cast of a int value to text/],
  ["(E'x' = name)", /special string literal/],
  ["(B'101' = name)", /special string literal/],
  ["(name = 'a'); DROP TABLE x; --", /unexpected character ";"/],
  ['(qty > 0) -- comment', /comments/],
  ['(qty > 0) /* c */', /comments/],
  ['(unknown_col > 1)', /unknown column "unknown_col"/],
  ["(created > '2020-01-01'::date)", /unknown column|cast to date/],
  ["(name = '2020-01-01'::date)", /cast to date/],
  [
    '((rate * (2)::double precision) > (1)::double precision)',
    /cast to double precision|arithmetic on a float/,
  ],
  ["(mood = 'a'::mood)", /cast to mood/],
  ["(mood = 'a')", /comparison of enum/],
  ['CASE WHEN (qty > 0) THEN true ELSE false END', /CASE is not translated/],
  ['(qty > 1.5e3)', /floating-point literal/],
  ['(qty + 1)', /not boolean/],
  ['$$x$$', /unexpected character "\$"/],
  ['(now() > qty)', /function now\(\)/],
  ['(CURRENT_TIMESTAMP > qty)', /CURRENT_TIMESTAMP is not allowed/],
  ["(name = ANY ('{a,b}'::text[]))", /other than ARRAY/],
  ['(qty > ANY (ARRAY[1]))', />\s*ANY/],
  ['(t.qty > 1)', /qualified column reference/],
  ['(qty BETWEEN SYMMETRIC 1 AND 2)', /SYMMETRIC/],
  ['(qty IS TRUE)', /IS \[NOT\] NULL/],
  ["(name = 'unterminated)", /unterminated/],
  ['(qty > 0', /expected \)/],
  ['((qty)::character varying(10) = name)', /cast to character varying\(10\)/],
  ['(public.f(qty) > 0)', /function public\.f\(\)/],
  ['(count(*) > 0)', /aggregate/],
  [`${'('.repeat(500)}1${')'.repeat(500)}`, /nests too deeply/],
  ['(1 = 1) ; SELECT 1', /unexpected character ";"/],
  ['(qty > 0) # x', /operator #/],
  ['`qty` > 0', /operator `/],
];

const JSON_COLUMNS = new Map<string, ExprColumn>([...COLUMNS, ['doc', { target: 'doc', kind: 'json' }]]);

/** Value expressions (generated columns): text ||, COALESCE, jsonb -> / ->>. */
const VALUES: readonly [input: string, mysql: string][] = [
  [
    "((name || '-'::text) || status)",
    "CONCAT(CONVERT(`name` USING utf8mb4), '-', CONVERT(`status` USING utf8mb4))",
  ],
  ['(name || qty)', 'CONCAT(CONVERT(`name` USING utf8mb4), CAST(`qty` AS CHAR CHARACTER SET utf8mb4))'],
  [
    "COALESCE(name, status, 'none'::text)",
    "COALESCE(CONVERT(`name` USING utf8mb4), CONVERT(`status` USING utf8mb4), 'none')",
  ],
  ['COALESCE(qty, 0)', 'COALESCE(`qty`, 0)'],
  ['COALESCE(price, (qty)::numeric)', 'COALESCE(`price`, `qty`)'],
  [
    "(doc ->> 'kind'::text)",
    "IF(JSON_TYPE(JSON_EXTRACT(`doc`, '$.\"kind\"')) = 'NULL', NULL, JSON_UNQUOTE(JSON_EXTRACT(`doc`, '$.\"kind\"')))",
  ],
  ["(doc -> 'a b'::text)", 'JSON_EXTRACT(`doc`, \'$."a b"\')'],
  [
    "((doc -> 'x'::text) ->> 'y'::text)",
    'IF(JSON_TYPE(JSON_EXTRACT(`doc`, \'$."x"."y"\')) = \'NULL\', NULL, JSON_UNQUOTE(JSON_EXTRACT(`doc`, \'$."x"."y"\')))',
  ],
  [
    'lower(((name || status)))',
    'LOWER(CONCAT(CONVERT(`name` USING utf8mb4), CONVERT(`status` USING utf8mb4)))',
  ],
  ['(price * (qty)::numeric)', '(`price` * `qty`)'],
  [
    "(doc -> 'b'::text)::boolean",
    "(CONVERT(JSON_UNQUOTE(JSON_EXTRACT(`doc`, '$.\"b\"')) USING utf8mb4) = 'true')",
  ],
  [
    "((doc -> 'n'::text))::bigint",
    'ROUND(CAST(JSON_UNQUOTE(JSON_EXTRACT(`doc`, \'$."n"\')) AS DECIMAL(65,30)), 0)',
  ],
  ["((doc -> 'd'::text))::numeric", 'CAST(JSON_UNQUOTE(JSON_EXTRACT(`doc`, \'$."d"\')) AS DECIMAL(65,30))'],
];

test('translates value expressions for generated columns', () => {
  for (const [input, want] of VALUES) {
    const got = translateExpr(input, { columns: JSON_COLUMNS });
    assert.ok(got.ok, `${input}: ${got.ok ? '' : got.reason}`);
    assert.equal(renderFragment(got.sql), want, input);
  }
});

test('refuses everything else, with a reason', () => {
  for (const [input, reason] of REFUSED) {
    const got = translateExpr(input, { ...OPTS, columns: JSON_COLUMNS });
    assert.equal(got.ok, false, `${input} should be refused`);
    if (!got.ok) assert.match(got.reason, reason, input);
  }
});

test('VALUE stands for the column in domain CHECKs only when asked', () => {
  const withValue = translateExpr('(VALUE > 0)', { ...OPTS, valueColumn: 'qty' });
  assert.ok(withValue.ok);
  assert.equal(renderFragment(withValue.sql), '(`qty` > 0)');
  assert.deepEqual(withValue.columns, ['qty']);
  assert.equal(translateExpr('(VALUE > 0)', OPTS).ok, false);
  // A quoted "value" is a column name, never the keyword.
  const quoted = translateExpr('("value" > 0)', {
    columns: new Map([['value', { target: 'v', kind: 'int' }]]),
  });
  assert.ok(quoted.ok);
  assert.equal(renderFragment(quoted.sql), '(`v` > 0)');
});

test('reports the source columns an expression reads', () => {
  const got = translateExpr('((qty > 0) AND (price > (0)::numeric))', OPTS);
  assert.ok(got.ok);
  assert.deepEqual(got.columns, ['price', 'qty']);
});

test('never throws and never passes source text through (property)', () => {
  const alphabet = fc.constantFrom(
    ...'()\'"`;-/*#$:=<>!~|, .[]0123456789abcqtyANDORNOTISNULL\\\n\u0000é😀'.split(''),
  );
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
      const input = chars.join('');
      const got = translateExpr(input, OPTS);
      if (!got.ok) return;
      // Whatever translated renders safely: raw parts pass the renderer's whitelist.
      const sql = renderFragment(got.sql);
      assert.ok(
        !/;|--|\/\*|#/.test(sql.replace(/`(?:[^`]|``)*`|'(?:[^'\\]|''|\\.)*'/g, '')),
        `${input} → ${sql}`,
      );
    }),
    { numRuns: 3000 },
  );
});

const DEFAULTS: readonly [input: string, want: ReturnType<typeof parseDefault>][] = [
  ["'x'::character varying", { kind: 'string', value: 'x', cast: 'character varying' }],
  ["''::character varying", { kind: 'string', value: '', cast: 'character varying' }],
  ["'it''s'::text", { kind: 'string', value: "it's", cast: 'text' }],
  ['0', { kind: 'number', text: '0' }],
  ['1.50', { kind: 'number', text: '1.50' }],
  ['(-1)', { kind: 'number', text: '-1' }],
  ["'-1'::integer", { kind: 'string', value: '-1', cast: 'integer' }],
  ["'{}'::jsonb", { kind: 'string', value: '{}', cast: 'jsonb' }],
  ["'{}'::integer[]", { kind: 'string', value: '{}', cast: 'integer[]' }],
  ["'ok'::mood", { kind: 'string', value: 'ok', cast: 'mood' }],
  ["'ok'::public.mood", { kind: 'string', value: 'ok', cast: 'public.mood' }],
  [
    "'2000-01-01 00:00:00'::timestamp without time zone",
    { kind: 'string', value: '2000-01-01 00:00:00', cast: 'timestamp without time zone' },
  ],
  ['true', { kind: 'bool', value: true }],
  ['false', { kind: 'bool', value: false }],
  ['NULL::character varying', { kind: 'null' }],
  ['NULL', { kind: 'null' }],
  ['now()', { kind: 'now' }],
  ['pg_catalog.now()', { kind: 'now' }],
  ['CURRENT_TIMESTAMP', { kind: 'now' }],
  ['LOCALTIMESTAMP(3)', { kind: 'now' }],
  ['statement_timestamp()', { kind: 'now' }],
  ["('now'::text)::date", { kind: 'current_date' }],
  ['CURRENT_DATE', { kind: 'current_date' }],
  ['gen_random_uuid()', { kind: 'uuid' }],
  ['public.uuid_generate_v4()', { kind: 'uuid' }],
  ["nextval('orders_id_seq'::regclass)", { kind: 'nextval', sequence: 'orders_id_seq' }],
  ["(now() + '1 day'::interval)", { kind: 'unsupported', reason: 'expression' }],
  ["lower('X'::text)", { kind: 'unsupported', reason: 'function lower()' }],
  ["E'\\n'::text", { kind: 'unsupported', reason: "special string literal E'…' is not translated" }],
  ['CURRENT_USER', { kind: 'unsupported', reason: 'CURRENT_USER is not translated' }],
];

test('classifies column defaults as pg_get_expr prints them', () => {
  for (const [input, want] of DEFAULTS) assert.deepEqual(parseDefault(input), want, input);
});
