import { DhError, type JsonObject } from '@dh-mqtt/protocol';
import { isSecretSetting } from '../auth/jwt-secret';
import type { ActionContext, ActionTable } from '../core/action';
import {
  deleteConfiguration,
  findConfiguration,
  putConfiguration,
  type ConfigurationRecord,
} from '../repositories/configuration.repository';

const MAX_NAME_LENGTH = 32;
const MAX_VALUE_LENGTH = 128;

/**
 * `name` of every configuration action (docs/api/configuration.md): missing or empty ⇒ 400; a
 * secret setting (the JWT secret) ⇒ 403 `Configuration '<name>' is a secret and cannot be read or
 * changed through the API`, whether it exists or not.
 */
function requireName(request: JsonObject): string {
  const name = request['name'];
  if (typeof name !== 'string' || name === '') throw new DhError('CONFIGURATION_NAME_REQUIRED');
  if (isSecretSetting(name)) throw new DhError('CONFIG_SECRET', name);
  return name;
}

/**
 * `value` of `configuration/put` (docs/api/configuration.md): required, 1–128 chars, non-strings
 * stringified.
 */
function requireValue(request: JsonObject): string {
  const raw = request['value'];
  if (raw == null) throw DhError.validation('value field cannot be null.');
  const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (value.length === 0 || value.length > MAX_VALUE_LENGTH) {
    throw DhError.validation(
      'Field cannot be empty. The length of value should not be more than 128 symbols.',
    );
  }
  return value;
}

/**
 * The reply view (docs/api/configuration.md); `id` null for an entry this call created (the
 * reference's quirk).
 */
function view(record: ConfigurationRecord, created = false): JsonObject {
  return {
    id: created ? null : record.id,
    name: record.name,
    value: record.value,
    entityVersion: record.entityVersion,
  };
}

async function get(ctx: ActionContext, request: JsonObject) {
  const name = requireName(request);
  const record = await findConfiguration(ctx.sql, name);
  if (record == null) throw new DhError('CONFIG_NOT_FOUND', name);
  return { body: { configuration: view(record) } };
}

async function put(ctx: ActionContext, request: JsonObject) {
  const name = requireName(request);
  if (name.length > MAX_NAME_LENGTH) throw new DhError('CONFIGURATION_NAME_TOO_LONG');
  const outcome = await putConfiguration(ctx.sql, name, requireValue(request));
  if (outcome == null) throw new DhError('DH_ERR_CONFLICT');
  return { body: { configuration: view(outcome.record, outcome.created) } };
}

async function remove(ctx: ActionContext, request: JsonObject) {
  const name = requireName(request);
  if (!(await deleteConfiguration(ctx.sql, name))) throw new DhError('CONFIG_NOT_FOUND', name);
  return { body: {} };
}

/** Configuration actions (docs/api/configuration.md); the permission check is the caller's. */
export const configurationActions: ActionTable = {
  'configuration/get': get,
  'configuration/put': put,
  'configuration/delete': remove,
};
