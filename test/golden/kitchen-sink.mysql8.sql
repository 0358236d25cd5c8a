-- pg2my schema for MySQL 8 (mysql8)
-- Plan fingerprint: 11ea64a963511ff163f3160321b8c4b9452ddac5cc1991386fa6219e5406b1d9
-- 11 tables; review the decisions and everything not converted before applying.
--
-- Decisions:
--   public.all_types.c_numeric: types.numeric = measure (default, rule numeric-measure): DECIMAL(65,9) from the largest scale in the data; later values with more decimals are rounded by MySQL
--   public.all_types.c_timetz: types.timetz = text (default, rule timetz-text): kept as text such as '12:00:00+05:30' (exact; no time arithmetic)
--   public.all_types.c_timestamptz: types.timestamptz = datetime (default, rule timestamptz-datetime): DATETIME(6) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC
--   public.all_types.c_timestamptz0: types.timestamptz = datetime (default, rule timestamptz-datetime): DATETIME(0) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC
--   public.all_types.c_interval: types.interval = text (default, rule interval-text): ISO 8601 text such as P1Y2M3DT4H5M6.789S (exact; no interval arithmetic)
--   public.all_types.c_json: types.json = text (default, rule json-text): LONGTEXT with a binary collation: byte-exact, key order and duplicates kept
--   public.all_types.c_int_array: types.array = json (default, rule array-json): JSON array via array_to_json (config types.array)
--   public.all_types.c_text_array: types.array = json (default, rule array-json): JSON array via array_to_json (config types.array)
--   public.all_types.c_int_matrix: types.array = json (default, rule array-json): JSON array via array_to_json (config types.array)
--   public.all_types.c_mood_array: types.array = json (default, rule array-json): JSON array via array_to_json (config types.array)
--   public.countries.code: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index text as TEXT/BLOB); longest value 2 characters; values longer than 255 characters are rejected, now and later
--   public.customers.username: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index text as TEXT/BLOB); longest value 7 characters; values longer than 255 characters are rejected, now and later
--   public.customers.email: types.textKey = measure (default, rule citext-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index citext as TEXT/BLOB); longest value 17 characters; values longer than 255 characters are rejected, now and later
--   public.customers.country_code: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index text as TEXT/BLOB); longest value 2 characters; values longer than 255 characters are rejected, now and later
--   public.customers.created_at: types.timestamptz = datetime (default, rule timestamptz-datetime): DATETIME(6) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC
--   public.customers.updated_at: types.timestamptz = datetime (default, rule timestamptz-datetime): DATETIME(6) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC
--   public.event_log.happened_at: types.timestamptz = datetime (default, rule timestamptz-datetime): DATETIME(6) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC
--   public.orders.placed_at: types.timestamptz = datetime (default, rule timestamptz-datetime): DATETIME(3) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC
--   public.tickets.code: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index text as TEXT/BLOB); longest value 12 characters; values longer than 255 characters are rejected, now and later
--
-- Lossy mappings:
--   public.all_types.id (bigint → rule serial8): GENERATED ALWAYS is not enforced: MySQL accepts explicit values for AUTO_INCREMENT columns
--   public.all_types.c_varchar_huge (character varying(20000) → rule varchar): stored as a TEXT type: MySQL does not enforce the character varying(20000) length limit
--   public.all_types.c_jsonb (jsonb → rule jsonb): MySQL 8 stores JSON numbers as double: numbers with more than 15–17 significant digits, or trailing zeros such as 1.50, change; jsonb keeps them exactly
--   public.all_types.c_int_array (integer[] → rule array-json): array becomes a JSON array: element types are not kept (dates become strings, numbers JSON numbers stored as double); arrays whose lower bound is not 1 are rejected at copy
--   public.all_types.c_text_array (text[] → rule array-json): array becomes a JSON array: element types are not kept (dates become strings, numbers JSON numbers stored as double); arrays whose lower bound is not 1 are rejected at copy
--   public.all_types.c_int_matrix (integer[] → rule array-json): array becomes a JSON array: element types are not kept (dates become strings, numbers JSON numbers stored as double); arrays whose lower bound is not 1 are rejected at copy
--   public.all_types.c_mood_array (mood[] → rule array-json): array becomes a JSON array: element types are not kept (dates become strings, numbers JSON numbers stored as double); arrays whose lower bound is not 1 are rejected at copy
--   public.all_types.c_tsvector (tsvector → rule tsvector): kept as tsvector text; not searchable on MySQL (add a FULLTEXT index over the source text by hand)
--   public.event_log.payload (jsonb → rule jsonb): MySQL 8 stores JSON numbers as double: numbers with more than 15–17 significant digits, or trailing zeros such as 1.50, change; jsonb keeps them exactly
--   public.products.search (tsvector → rule tsvector): kept as tsvector text; not searchable on MySQL (add a FULLTEXT index over the source text by hand)
--
-- Warnings:
--   FK_TYPE_WIDENED public.pg_specials.customer_id: integer is planned as bigint, the type of public.customers.id it is joined to by foreign key pg_specials_customer_id_fkey: MySQL needs the same type on both sides of a foreign key. Every value is kept; values beyond integer's range or precision are no longer rejected on the target
--   AUTO_INCREMENT_NOT_POSSIBLE public.all_types.c_serial: filled from a sequence in PostgreSQL, but MySQL allows one AUTO_INCREMENT column per table and it must lead the primary key or a unique key; the values are copied, new rows need an explicit value
--   AUTO_INCREMENT_NOT_POSSIBLE public.all_types.c_bigserial: filled from a sequence in PostgreSQL, but MySQL allows one AUTO_INCREMENT column per table and it must lead the primary key or a unique key; the values are copied, new rows need an explicit value
--   TYPE_NOTE public.all_types.c_real: real → FLOAT: NaN and ±Infinity cannot be stored by MySQL; such values are rejected at copy. MariaDB stores -0 as 0; verify reports each such row
--   TYPE_NOTE public.all_types.c_double: double precision → DOUBLE: NaN and ±Infinity cannot be stored by MySQL; such values are rejected at copy. MariaDB stores -0 as 0; verify reports each such row
--   TYPE_NOTE public.all_types.c_char: character(10) → CHAR: trailing spaces are not kept: MySQL strips them from CHAR on read, and PostgreSQL character(n) ignores them in comparisons too
--   TYPE_NOTE public.all_types.c_char_long: character(300) → VARCHAR: trailing spaces are not kept: MySQL strips them from CHAR on read, and PostgreSQL character(n) ignores them in comparisons too
--   DEFAULT_UUID_V1 public.all_types.c_uuid: c_uuid: DEFAULT gen_random_uuid() becomes UUID(), which makes time-based version-1 UUIDs (lowercase), not random version-4 ones
--   ENUM_LABEL_4BYTE public.all_types.c_mood: an ENUM label has a character outside the BMP (e.g. an emoji): values are stored exactly, but SHOW CREATE TABLE and information_schema show it as ?, so schema dumps of this table would corrupt it
--   TYPE_NOTE public.all_types.c_money: money → DECIMAL: DECIMAL(19,2) assumes the source lc_monetary has 2 fractional digits; for a 0- or 3-digit currency set columns["…"].type
--   RESERVED_WORD public.all_types.order: order is a reserved word in MySQL/MariaDB; pg2my quotes it, hand-written SQL must too
--   RESERVED_WORD public.all_types.key: key is a reserved word in MySQL/MariaDB; pg2my quotes it, hand-written SQL must too
--   ENUM_LABEL_4BYTE public.customers.mood: an ENUM label has a character outside the BMP (e.g. an emoji): values are stored exactly, but SHOW CREATE TABLE and information_schema show it as ?, so schema dumps of this table would corrupt it
--   TYPE_NOTE public.measurements.reading: double precision → DOUBLE: NaN and ±Infinity cannot be stored by MySQL; such values are rejected at copy. MariaDB stores -0 as 0; verify reports each such row
--   PARTITIONED_TABLE public.measurements: partitioned by range (taken_on); becomes one unpartitioned MySQL table holding the rows of its partitions public.measurements_2023, public.measurements_2024
--   GENERATED_COLUMN public.order_lines.line_total: GENERATED ALWAYS AS (((quantity)::numeric * unit_price)) STORED is converted: the target computes it from the copied columns and verify compares its values
--   ROW_SECURITY public.orders: row-level security is enabled; MySQL has none, so every user with SELECT on the table sees every row
--   RESERVED_WORD public.orders.order: order is a reserved word in MySQL/MariaDB; pg2my quotes it, hand-written SQL must too
--   TYPE_NOTE public.pg_specials.location: point → LONGTEXT: no MySQL twin: kept as PostgreSQL's text, such as (1.5,2) (exact: floats in shortest round-trip form); not a MySQL spatial type
--   TYPE_NOTE public.pg_specials.attrs: hstore → JSON: no MySQL twin: stored as a JSON object of its exact keys and string values (NULL values as JSON null), by hstore's own cast to json
--   TYPE_NOTE public.pg_specials.seats: int4range → LONGTEXT: no MySQL twin: kept as PostgreSQL's range text, such as [1,5) or empty (exact); MySQL has no range operators
--   TYPE_NOTE public.pg_specials.booked: tstzrange → LONGTEXT: no MySQL twin: kept as PostgreSQL's range text, such as [1,5) or empty (exact); MySQL has no range operators
--   TYPE_NOTE public.pg_specials.price_band: numrange → LONGTEXT: no MySQL twin: kept as PostgreSQL's range text, such as [1,5) or empty (exact); MySQL has no range operators
--   TYPE_NOTE public.pg_specials.valid_on: daterange → LONGTEXT: no MySQL twin: kept as PostgreSQL's range text, such as [1,5) or empty (exact); MySQL has no range operators
--   TYPE_NOTE public.pg_specials.uuid_span: uuidrange → LONGTEXT: no MySQL twin: kept as PostgreSQL's own text output (exact), the form pg_dump uses, in a binary collation; MySQL cannot use its operators
--   TYPE_NOTE public.pg_specials.free_slots: int4multirange → LONGTEXT: no MySQL twin: kept as PostgreSQL's range text, such as [1,5) or empty (exact); MySQL has no range operators
--   TYPE_NOTE public.pg_specials.search: tsquery → LONGTEXT: no MySQL twin: kept as PostgreSQL's tsquery text (exact); not searchable on MySQL
--   TYPE_NOTE public.pg_specials.lsn: pg_lsn → LONGTEXT: no MySQL twin: kept as PostgreSQL's text, such as 16/B374D848 (exact); it sorts as text, not by WAL position
--   TYPE_NOTE public.pg_specials.label_path: ltree → LONGTEXT: no MySQL twin: kept as PostgreSQL's own text output (exact), the form pg_dump uses, in a binary collation; MySQL cannot use its operators
--   TYPE_NOTE public.pg_specials.shape: polygon → LONGTEXT: no MySQL twin: kept as PostgreSQL's text, such as (1.5,2) (exact: floats in shortest round-trip form); not a MySQL spatial type
--   GENERATED_COLUMN public.products.label: GENERATED ALWAYS AS (((lower((sku)::text) || ':'::text) || (COALESCE(barcode, '-'::character varying))::text)) STORED is converted: the target computes it from the copied columns and verify compares its values
--   UNIQUE_NOT_ENFORCED public.products.products_barcode_key: UNIQUE NULLS NOT DISTINCT: MySQL unique indexes always allow several NULLs, so rows PostgreSQL rejects would be accepted; uniqueness is NOT enforced on MySQL
--   UNIQUE_NOT_ENFORCED public.tickets.tickets_open_customer_idx: partial index (WHERE (NOT closed)): MySQL has no partial indexes; a full UNIQUE index would reject rows PostgreSQL accepts, so uniqueness is NOT enforced on MySQL
--   FK_SET_NULL_NOT_NULL public.pg_specials.pg_specials_customer_id_fkey: ON DELETE SET NULL on NOT NULL column customer_id is planned as ON DELETE NO ACTION: MySQL refuses SET NULL on a NOT NULL column, and in PostgreSQL this action always fails (NOT NULL violation) when a referencing row exists, so the delete is refused in both; only the error differs
--   FK_DEFERRABLE public.tickets.tickets_order_id_fkey: DEFERRABLE in PostgreSQL; MySQL checks foreign keys immediately, so a transaction that relies on deferral fails
--
-- Renamed:
--   table in database: zz_table_name_of_seventy_characters_which_mysql_cannot_take_as_is_xxxx → zz_table_name_of_seventy_characters_which_mysql_cannot__94a3a8db
--   column in zz_table_name_of_seventy_characters_which_mysql_cannot__94a3a8db: a_column_name_of_seventy_characters_which_mysql_cannot_take_as_is_yyyy → a_column_name_of_seventy_characters_which_mysql_cannot__cad46e59
--
-- Not converted:
--   extension public.citext: extensions are not migrated; citext columns map to a case-insensitive collation
--   function public.touch_updated_at: PL/pgSQL functions are not translated
--   materialized view public.product_prices: materialized views are not migrated
--   policy public.orders.orders_visible: MySQL has no row-level security
--   rule public.event_log.event_log_no_delete: MySQL has no rules
--   trigger public.customers.customers_touch: triggers are not translated
--   view public.customer_order_totals: views are not migrated
--   default public.all_types.c_serial: DEFAULT nextval('all_types_c_serial_seq'::regclass) is not converted: MySQL allows one AUTO_INCREMENT column per table, leading a key; this column is not it, so new rows need an explicit value
--   default public.all_types.c_bigserial: DEFAULT nextval('all_types_c_bigserial_seq'::regclass) is not converted: MySQL allows one AUTO_INCREMENT column per table, leading a key; this column is not it, so new rows need an explicit value
--   default public.all_types.c_odd_default: DEFAULT lower('X'::text) is not converted: function lower() has no MySQL translation
--   expression index public.customers.customers_lower_full_name_idx: expression key part (lower((full_name)::text)) is not translated; MySQL 8.0.13+ functional key parts can be added by hand
--   comment public.event_log.message: column comment has characters outside the BMP (e.g. emoji), which MySQL/MariaDB table metadata (utf8mb3) would turn into ?
--   partial index public.orders.orders_open_idx: partial index (WHERE (status = 'open'::text)): MySQL has no partial indexes; create a full index by hand if queries need one
--   unique constraint public.products.products_barcode_key: UNIQUE NULLS NOT DISTINCT: MySQL unique indexes always allow several NULLs, so rows PostgreSQL rejects would be accepted; uniqueness is NOT enforced on MySQL
--   index method public.products.products_search_idx: gin index: MySQL has no GIN indexes (for tsvector, add a FULLTEXT index by hand; for jsonb, a multi-valued index on MySQL 8)
--   partial index public.tickets.tickets_open_customer_idx: partial index (WHERE (NOT closed)): MySQL has no partial indexes; a full UNIQUE index would reject rows PostgreSQL accepts, so uniqueness is NOT enforced on MySQL
--   index method public.tickets.tickets_code_hash_idx: hash index: InnoDB has no hash indexes; a plain index serves the same equality lookups (create it by hand)
--   check constraint public.all_types.all_types_regex_check: CHECK ((c_text ~ '^[a-z]'::text)): not translated: operator ~ is not translated
--   check constraint public.all_types.c_email (domain public.email_address): CHECK ((VALUE ~~ '%@%'::text)): not translated: operator ~~ is not translated
--   check constraint public.orders.orders_customer_check: CHECK ((customer_id > 0)): MySQL does not allow a CHECK on a column that a foreign key action (CASCADE / SET NULL) changes (error 3823)
--   foreign key public.tickets.tickets_customer_id_fkey: ON DELETE SET DEFAULT: InnoDB rejects SET DEFAULT actions, so the reference is not enforced on MySQL; change the action in PostgreSQL or enforce it by hand

SET NAMES utf8mb4;

-- Pre-data: tables with their primary keys

CREATE TABLE `all_types` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `c_int2` SMALLINT NULL,
  `c_int4` INT NULL,
  `c_int8` BIGINT NULL,
  `c_serial` INT NOT NULL,
  `c_bigserial` BIGINT NOT NULL,
  `c_numeric_12_2` DECIMAL(12,2) NULL,
  `c_numeric` DECIMAL(65,9) NULL COMMENT 'Unbounded numeric: the target precision comes from the data.',
  `c_real` FLOAT NULL,
  `c_double` DOUBLE NULL,
  `c_bool` TINYINT(1) NULL DEFAULT 1,
  `c_char` CHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `c_char_long` VARCHAR(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `c_varchar` VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL DEFAULT 'draft',
  `c_varchar_huge` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `c_varchar_unbounded` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `c_text` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL DEFAULT ('it''s'),
  `c_bytea` LONGBLOB NULL,
  `c_date` DATE NULL DEFAULT (CURRENT_DATE),
  `c_time` TIME(6) NULL,
  `c_time3` TIME(3) NULL,
  `c_timetz` VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_timestamp` DATETIME(6) NULL DEFAULT '2000-01-01 00:00:00',
  `c_timestamp3` DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3),
  `c_timestamptz` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
  `c_timestamptz0` DATETIME(0) NULL,
  `c_interval` VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_uuid` CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL DEFAULT (UUID()),
  `c_json` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL,
  `c_jsonb` JSON NULL DEFAULT ('{}'),
  `c_int_array` JSON NULL DEFAULT ('[]'),
  `c_text_array` JSON NULL,
  `c_int_matrix` JSON NULL,
  `c_mood` ENUM('sad','ok','happy','très bien 😀') CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL DEFAULT 'ok',
  `c_mood_array` JSON NULL,
  `c_positive` INT NULL DEFAULT 1,
  `c_email` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NOT NULL,
  `c_inet` VARCHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_cidr` VARCHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_macaddr` VARCHAR(17) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_macaddr8` VARCHAR(23) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_money` DECIMAL(19,2) NULL,
  `c_citext` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_ci NULL,
  `c_tsvector` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `c_xml` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `c_bit` BIT(8) NULL,
  `c_bit_long` VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_varbit` VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_varbit_unbounded` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_oid` INT UNSIGNED NULL,
  `c_odd_default` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `order` INT NULL,
  `key` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `countries` (
  `code` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  `name` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NOT NULL,
  PRIMARY KEY (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `customers` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `username` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  `email` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_ci NULL COMMENT 'Login e-mail, compared case-insensitively; it''s */ unique-ish.',
  `full_name` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `country_code` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL,
  `mood` ENUM('sad','ok','happy','très bien 😀') CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL DEFAULT 'ok',
  `created_at` DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
  `updated_at` DATETIME(6) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin COMMENT='People who place orders. Not a comment terminator: */ and it''s fine.';

CREATE TABLE `event_log` (
  `happened_at` DATETIME(6) NOT NULL,
  `level` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `message` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `payload` JSON NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `measurements` (
  `sensor_id` INT NOT NULL,
  `taken_on` DATE NOT NULL,
  `reading` DOUBLE NULL,
  PRIMARY KEY (`sensor_id`, `taken_on`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `order_lines` (
  `order_id` BIGINT NOT NULL,
  `line_no` SMALLINT NOT NULL,
  `product_id` INT NOT NULL,
  `quantity` INT NOT NULL,
  `unit_price` DECIMAL(12,2) NOT NULL,
  `line_total` DECIMAL(14,2) GENERATED ALWAYS AS (ROUND((`quantity` * `unit_price`), 2)) STORED,
  PRIMARY KEY (`order_id`, `line_no`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `orders` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `customer_id` BIGINT NOT NULL,
  `order` INT NOT NULL,
  `status` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NOT NULL DEFAULT ('open'),
  `placed_at` DATETIME(3) NOT NULL,
  `total` DECIMAL(12,2) NOT NULL,
  `note` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `pg_specials` (
  `id` INT NOT NULL,
  `customer_id` BIGINT NOT NULL,
  `location` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `attrs` JSON NULL,
  `seats` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `booked` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `price_band` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `valid_on` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `uuid_span` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL,
  `free_slots` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `search` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL,
  `lsn` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  `label_path` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL,
  `shape` LONGTEXT CHARACTER SET ascii COLLATE ascii_bin NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `products` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `sku` VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  `barcode` VARCHAR(13) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `name` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NOT NULL,
  `price` DECIMAL(12,2) NOT NULL,
  `search` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `label` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs GENERATED ALWAYS AS (CONCAT(CONVERT(LOWER(`sku`) USING utf8mb4), ':', CONVERT(COALESCE(CONVERT(`barcode` USING utf8mb4), '-') USING utf8mb4))) STORED,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `tickets` (
  `code` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  `seq_no` INT NOT NULL AUTO_INCREMENT,
  `customer_id` BIGINT NULL DEFAULT 0,
  `order_id` BIGINT NULL,
  `closed` TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`code`),
  UNIQUE KEY `tickets_seq_no_key` (`seq_no`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `zz_table_name_of_seventy_characters_which_mysql_cannot__94a3a8db` (
  `id` INT NOT NULL,
  `a_column_name_of_seventy_characters_which_mysql_cannot__cad46e59` INT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- Post-data: indexes, then foreign keys, CHECK constraints and AUTO_INCREMENT counters

ALTER TABLE `customers`
  ADD UNIQUE INDEX `customers_username_key` (`username`),
  ADD UNIQUE INDEX `customers_email_key_idx` (`email`);

ALTER TABLE `orders`
  ADD INDEX `orders_customer_placed_idx` (`customer_id` DESC, `placed_at` DESC);

ALTER TABLE `products`
  ADD UNIQUE INDEX `products_sku_key` (`sku`);

ALTER TABLE `zz_table_name_of_seventy_characters_which_mysql_cannot__94a3a8db`
  ADD INDEX `a_column_name_of_seventy_characters_which_mysql_cannot_take__idx` (`a_column_name_of_seventy_characters_which_mysql_cannot__cad46e59`);

ALTER TABLE `all_types`
  ADD CONSTRAINT `all_types_check` CHECK (((`c_int2` IS NULL) OR ((`c_int2` >= -1000) AND (`c_int2` <= 1000)))),
  ADD CONSTRAINT `all_types_order_check` CHECK ((`order` BETWEEN 0 AND 100)),
  ADD CONSTRAINT `all_types_key_check` CHECK ((CHAR_LENGTH(`key`) < 100)),
  ADD CONSTRAINT `all_types_c_positive_check` CHECK ((`c_positive` > 0)),
  AUTO_INCREMENT = 5;

ALTER TABLE `customers`
  ADD CONSTRAINT `customers_country_code_fkey` FOREIGN KEY (`country_code`) REFERENCES `countries` (`code`) ON DELETE SET NULL ON UPDATE NO ACTION,
  AUTO_INCREMENT = 6;

ALTER TABLE `order_lines`
  ADD CONSTRAINT `order_lines_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION,
  ADD CONSTRAINT `order_lines_product_id_fkey` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE RESTRICT ON UPDATE NO ACTION,
  ADD CONSTRAINT `order_lines_quantity_check` CHECK ((`quantity` > 0));

ALTER TABLE `orders`
  ADD CONSTRAINT `orders_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION,
  ADD CONSTRAINT `orders_total_check` CHECK ((`total` >= 0)),
  ADD CONSTRAINT `orders_status_check` CHECK ((`status` IN ('open', 'paid', 'shipped'))),
  AUTO_INCREMENT = 13;

ALTER TABLE `pg_specials`
  ADD CONSTRAINT `pg_specials_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION ON UPDATE NO ACTION;

ALTER TABLE `products`
  ADD CONSTRAINT `products_price_nonnegative` CHECK ((`price` >= 0)),
  AUTO_INCREMENT = 9;

ALTER TABLE `tickets`
  ADD CONSTRAINT `tickets_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE NO ACTION ON UPDATE NO ACTION,
  AUTO_INCREMENT = 100;

ALTER TABLE `zz_table_name_of_seventy_characters_which_mysql_cannot__94a3a8db`
  ADD CONSTRAINT `zz_table_name_of_seventy_characters_which_mysql_ca_check` CHECK ((`a_column_name_of_seventy_characters_which_mysql_cannot__cad46e59` >= 0));
