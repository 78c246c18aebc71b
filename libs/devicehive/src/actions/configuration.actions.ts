import { DhError } from '@dh-mqtt/protocol';
import { isSecretSetting } from '../auth/jwt-secret';
import type { ActionImpl, ActionTable } from '../core/action';
import {
  deleteConfiguration,
  findConfiguration,
  putConfiguration,
} from '../repositories/configuration.repository';
import { configurationView } from '../views/configuration.views';

/**
 * A secret setting (the JWT secret) ⇒ 403 `Configuration '<name>' is a secret and cannot be read or
 * changed through the API`, whether it exists or not (docs/api/configuration.md). The DTO checked
 * the name's presence and length, and the value's.
 */
function checkNotSecret(name: string): string {
  if (isSecretSetting(name)) throw new DhError('CONFIG_SECRET', name);
  return name;
}

const get: ActionImpl<'configuration/get'> = async (ctx, request) => {
  const name = checkNotSecret(request.name);
  const record = await findConfiguration(ctx.sql, name);
  if (record == null) throw new DhError('CONFIG_NOT_FOUND', name);
  return { body: { configuration: configurationView(record) } };
};

const put: ActionImpl<'configuration/put'> = async (ctx, request) => {
  const name = checkNotSecret(request.name);
  const outcome = await putConfiguration(ctx.sql, name, request.value);
  if (outcome == null) throw new DhError('DH_ERR_CONFLICT');
  return { body: { configuration: configurationView(outcome.record, outcome.created) } };
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
