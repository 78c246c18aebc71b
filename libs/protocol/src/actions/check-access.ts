import { DhError } from '../errors/error-catalog';
import { hasPermission, type Principal } from '../principal/principal';
import type { ActionSpec } from './action-catalog';

/**
 * The access check of docs/api/README.md steps 1–3, the one that needs no storage: an action that
 * runs on any session passes; otherwise an anonymous session gets 401 `Unauthorized`, and a
 * principal without the action's permission (any one of them, for a list) 403 `Access is denied`.
 * Step 4 (the target check) needs the devices: the core does it.
 *
 * The one implementation of these steps: the gateway runs it before validation, the core again
 * so that no caller of its port can skip it, and the broker before the actions it answers itself.
 */
export function checkAccess(spec: ActionSpec, principal: Principal | null): void {
  if (!spec.needsAuth) return;
  if (principal == null) throw new DhError('DH_ERR_UNAUTHORIZED');
  const required = spec.permission;
  if (required == null) return;
  const options = typeof required === 'string' ? [required] : required;
  if (!options.some((permission) => hasPermission(principal, permission))) {
    throw new DhError('DH_ERR_ACCESS_DENIED');
  }
}
