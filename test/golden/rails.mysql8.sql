-- pg2my schema for MySQL 8 (mysql8)
-- Plan fingerprint: 6a44b39ea828d0cf911652bf7e2caa2d55a975527e0c045394282777ec4b1a43
-- 7 tables; review the decisions and everything not converted before applying.
--
-- Decisions:
--   public.ar_internal_metadata.key: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index character varying as TEXT/BLOB); longest value 11 characters; values longer than 255 characters are rejected, now and later
--   public.line_groups.line_group_id: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index character varying as TEXT/BLOB); longest value 33 characters; values longer than 255 characters are rejected, now and later
--   public.operators.reset_password_token: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index character varying as TEXT/BLOB); longest value 32 characters; values longer than 255 characters are rejected, now and later
--   public.schema_migrations.version: types.textKey = measure (default, rule string-key): VARCHAR(255) because the column is in a key or index (MySQL cannot index character varying as TEXT/BLOB); longest value 14 characters; values longer than 255 characters are rejected, now and later
--
-- Lossy mappings:
--   public.feedbacks.metadata (jsonb → rule jsonb): MySQL 8 stores JSON numbers as double: numbers with more than 15–17 significant digits, or trailing zeros such as 1.50, change; jsonb keeps them exactly
--
-- Warnings:
--   RESERVED_WORD public.ar_internal_metadata.key: key is a reserved word in MySQL/MariaDB; pg2my quotes it, hand-written SQL must too
--   RESERVED_WORD public.contents.position: position is a reserved word in MySQL/MariaDB; pg2my quotes it, hand-written SQL must too

SET NAMES utf8mb4;

-- Pre-data: tables with their primary keys

CREATE TABLE `alarm_contents` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `content_id` BIGINT NOT NULL,
  `alarm_at` DATETIME(6) NOT NULL,
  `repeat_days` INT NOT NULL DEFAULT 0,
  `message` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `sent` TINYINT(1) NOT NULL DEFAULT 0,
  `created_at` DATETIME(6) NOT NULL,
  `updated_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `ar_internal_metadata` (
  `key` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  `value` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `created_at` DATETIME(6) NOT NULL,
  `updated_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `contents` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `line_group_id` BIGINT NOT NULL,
  `operator_id` BIGINT NULL,
  `title` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NOT NULL,
  `body` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `kind` INT NOT NULL DEFAULT 0,
  `status` INT NOT NULL DEFAULT 0,
  `published` TINYINT(1) NOT NULL DEFAULT 0,
  `published_at` DATETIME(6) NULL,
  `position` INT NULL,
  `created_at` DATETIME(6) NOT NULL,
  `updated_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `feedbacks` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `operator_id` BIGINT NULL,
  `content_id` BIGINT NULL,
  `rating` INT NOT NULL DEFAULT 0,
  `comment` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `user_agent` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `metadata` JSON NOT NULL DEFAULT ('{}'),
  `created_at` DATETIME(6) NOT NULL,
  `updated_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `line_groups` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `line_group_id` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  `name` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `operator_id` BIGINT NULL,
  `active` TINYINT(1) NOT NULL DEFAULT 1,
  `member_count` INT NOT NULL DEFAULT 0,
  `created_at` DATETIME(6) NOT NULL,
  `updated_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `operators` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL DEFAULT '',
  `encrypted_password` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NOT NULL DEFAULT (''),
  `name` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL,
  `role` INT NOT NULL DEFAULT 0,
  `status` INT NOT NULL DEFAULT 0,
  `admin` TINYINT(1) NOT NULL DEFAULT 0,
  `reset_password_token` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NULL,
  `reset_password_sent_at` DATETIME(6) NULL,
  `sign_in_count` INT NOT NULL DEFAULT 0,
  `created_at` DATETIME(6) NOT NULL,
  `updated_at` DATETIME(6) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

CREATE TABLE `schema_migrations` (
  `version` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL,
  PRIMARY KEY (`version`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- Post-data: indexes, then foreign keys, CHECK constraints and AUTO_INCREMENT counters

ALTER TABLE `alarm_contents`
  ADD INDEX `index_alarm_contents_on_alarm_at_and_sent` (`alarm_at`, `sent`),
  ADD INDEX `index_alarm_contents_on_content_id` (`content_id`);

ALTER TABLE `contents`
  ADD INDEX `index_contents_on_line_group_id_and_status` (`line_group_id`, `status`),
  ADD INDEX `index_contents_on_operator_id` (`operator_id`);

ALTER TABLE `feedbacks`
  ADD INDEX `index_feedbacks_on_content_id` (`content_id`),
  ADD INDEX `index_feedbacks_on_created_at` (`created_at`),
  ADD INDEX `index_feedbacks_on_operator_id_and_created_at` (`operator_id`, `created_at`);

ALTER TABLE `line_groups`
  ADD UNIQUE INDEX `index_line_groups_on_line_group_id` (`line_group_id`),
  ADD INDEX `index_line_groups_on_operator_id` (`operator_id`);

ALTER TABLE `operators`
  ADD UNIQUE INDEX `index_operators_on_email` (`email`),
  ADD UNIQUE INDEX `index_operators_on_reset_password_token` (`reset_password_token`);

ALTER TABLE `alarm_contents`
  ADD CONSTRAINT `fk_rails_a47b3d6e25` FOREIGN KEY (`content_id`) REFERENCES `contents` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION,
  AUTO_INCREMENT = 61;

ALTER TABLE `contents`
  ADD CONSTRAINT `fk_rails_5e0d4b8a61` FOREIGN KEY (`line_group_id`) REFERENCES `line_groups` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION,
  ADD CONSTRAINT `fk_rails_8c2e7f1a90` FOREIGN KEY (`operator_id`) REFERENCES `operators` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION,
  AUTO_INCREMENT = 124;

ALTER TABLE `feedbacks`
  ADD CONSTRAINT `fk_rails_c90e5a1f38` FOREIGN KEY (`operator_id`) REFERENCES `operators` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION,
  ADD CONSTRAINT `fk_rails_e2b6f8d047` FOREIGN KEY (`content_id`) REFERENCES `contents` (`id`) ON DELETE RESTRICT ON UPDATE NO ACTION,
  AUTO_INCREMENT = 81;

ALTER TABLE `line_groups`
  ADD CONSTRAINT `fk_rails_1f3a9c2b7d` FOREIGN KEY (`operator_id`) REFERENCES `operators` (`id`) ON DELETE NO ACTION ON UPDATE NO ACTION,
  AUTO_INCREMENT = 31;

ALTER TABLE `operators`
  AUTO_INCREMENT = 21;
