-- dh-mqtt schema v1 (docs/design.md). Portable PostgreSQL 15+ SQL: runs on PGlite and PostgreSQL.
-- Applied once, recorded in dh_schema_migrations.

CREATE TABLE IF NOT EXISTS dh_user (
  id                          BIGSERIAL PRIMARY KEY,
  login                       VARCHAR(128) NOT NULL UNIQUE,
  password_hash               VARCHAR(64),
  password_salt               VARCHAR(64),
  role                        SMALLINT NOT NULL CHECK (role IN (0, 1)),
  status                      SMALLINT NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
  login_attempts              INTEGER NOT NULL DEFAULT 0,
  last_login                  TIMESTAMP(3),
  data                        JSONB,
  intro_reviewed              BOOLEAN NOT NULL DEFAULT FALSE,
  all_device_types_available  BOOLEAN NOT NULL DEFAULT TRUE,
  entity_version              BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS dh_network (
  id              BIGSERIAL PRIMARY KEY,
  name            VARCHAR(128) NOT NULL UNIQUE,
  description     VARCHAR(128),
  entity_version  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS dh_device_type (
  id              BIGSERIAL PRIMARY KEY,
  name            VARCHAR(128) NOT NULL UNIQUE,
  description     VARCHAR(128),
  entity_version  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS dh_device (
  id              VARCHAR(48) PRIMARY KEY,
  name            VARCHAR(128) NOT NULL,
  data            JSONB,
  network_id      BIGINT REFERENCES dh_network (id) ON DELETE CASCADE,
  device_type_id  BIGINT REFERENCES dh_device_type (id) ON DELETE CASCADE,
  is_blocked      BOOLEAN NOT NULL DEFAULT FALSE,
  entity_version  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS dh_device_network_idx ON dh_device (network_id);
CREATE INDEX IF NOT EXISTS dh_device_device_type_idx ON dh_device (device_type_id);

CREATE TABLE IF NOT EXISTS dh_user_network (
  user_id     BIGINT NOT NULL REFERENCES dh_user (id) ON DELETE CASCADE,
  network_id  BIGINT NOT NULL REFERENCES dh_network (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, network_id)
);
CREATE INDEX IF NOT EXISTS dh_user_network_network_idx ON dh_user_network (network_id);

CREATE TABLE IF NOT EXISTS dh_user_device_type (
  user_id         BIGINT NOT NULL REFERENCES dh_user (id) ON DELETE CASCADE,
  device_type_id  BIGINT NOT NULL REFERENCES dh_device_type (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, device_type_id)
);
CREATE INDEX IF NOT EXISTS dh_user_device_type_type_idx ON dh_user_device_type (device_type_id);

CREATE TABLE IF NOT EXISTS dh_configuration (
  id              BIGSERIAL PRIMARY KEY,
  name            VARCHAR(32) NOT NULL UNIQUE,
  value           VARCHAR(128) NOT NULL,
  entity_version  BIGINT NOT NULL DEFAULT 0
);

-- Commands and notifications outlive their device (docs/api/devices.md: not purged), so no
-- foreign key to dh_device. Ids come from sequences: unique, JSON-safe numbers.
CREATE TABLE IF NOT EXISTS dh_command (
  id                BIGSERIAL PRIMARY KEY,
  command           VARCHAR(128) NOT NULL,
  timestamp         TIMESTAMP(3) NOT NULL,
  last_updated      TIMESTAMP(3) NOT NULL,
  user_id           BIGINT,
  device_id         VARCHAR(48) NOT NULL,
  network_id        BIGINT NOT NULL,
  device_type_id    BIGINT NOT NULL,
  parameters        JSONB,
  lifetime          INTEGER,
  status            VARCHAR(128),
  result            JSONB,
  is_updated        BOOLEAN NOT NULL DEFAULT FALSE,
  origin_client_id  VARCHAR(256)
);
CREATE INDEX IF NOT EXISTS dh_command_device_time_idx ON dh_command (device_id, timestamp DESC, id DESC);

CREATE TABLE IF NOT EXISTS dh_notification (
  id              BIGSERIAL PRIMARY KEY,
  notification    VARCHAR(128) NOT NULL,
  device_id       VARCHAR(48) NOT NULL,
  network_id      BIGINT NOT NULL,
  device_type_id  BIGINT NOT NULL,
  timestamp       TIMESTAMP(3) NOT NULL,
  parameters      JSONB
);
CREATE INDEX IF NOT EXISTS dh_notification_device_time_idx ON dh_notification (device_id, timestamp DESC, id DESC);
-- Timestamp replay of network/device-type subscriptions and retention sweeps scan by time.
CREATE INDEX IF NOT EXISTS dh_notification_time_idx ON dh_notification (timestamp);
CREATE INDEX IF NOT EXISTS dh_command_time_idx ON dh_command (timestamp);
