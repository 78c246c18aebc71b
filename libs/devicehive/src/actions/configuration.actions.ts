import { DhError, type JsonObject } from '@dh-mqtt/protocol';
import { isSecretSetting } from '../auth/jwt-secret';
import type { ActionImpl, ActionTable } from '../core/action';
import {
  deleteConfiguration,
  findConfiguration,
  putConfiguration,
  type ConfigurationRecord,
} from '../repositories/configuration.repository';

/**
 * A secret setting (the JWT secret) ⇒ 403 `Configuration '<name>' is a secret and cannot be read or
 * changed through the API`, whether it exists or not (docs/api/configuration.md). The DTO checked
 * the name's presence and length, and the value's.
 */
function checkNotSecret(name: string): string {
  if (isSecretSetting(name)) throw new DhError('CONFIG_SECRET', name);
  return name;
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

const get: ActionImpl<'configuration/get'> = async (ctx, request) => {
  const name = checkNotSecret(request.name);
  const record = await findConfiguration(ctx.sql, name);
  if (record == null) throw new DhError('CONFIG_NOT_FOUND', name);
  return { body: { configuration: view(record) } };
};

const put: ActionImpl<'configuration/put'> = async (ctx, request) => {
  const name = checkNotSecret(request.name);
  const outcome = await putConfiguration(ctx.sql, name, request.value);
  if (outcome == null) throw new DhError('DH_ERR_CONFLICT');
  return { body: { configuration: view(outcome.record, outcome.created) } };
};

const remove: ActionImpl<'configuration/delete'> = async (ctx, request) => {
  const name = checkNotSecret(request.name);
  if (!(await deleteConfiguration(ctx.sql, name))) throw new DhError('CONFIG_NOT_FOUND', name);
  return { body: {} };
};

/** Configuration actions (docs/api/configuration.md); the permission check is the caller's. */
export const configurationActions: ActionTable = {
  'configuration/get': get,
  'configuration/put': put,
  'configuration/delete': remove,
};
