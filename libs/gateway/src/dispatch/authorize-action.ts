import { DhError, hasPermission, type ActionSpec, type Principal } from '@dh-mqtt/protocol';

/**
 * docs/api/README.md steps 1–3, the checks that need no storage: no-auth actions pass;
 * otherwise an anonymous session gets 401 `Unauthorized`, and a principal without the action's
 * permission (any one of them, for a list) gets 403 `Access is denied`. Step 4 (target checks)
 * needs the devices, so the core does it.
 */
export function authorizeAction(spec: ActionSpec, principal: Principal | null): void {
  if (!spec.needsAuth) return;
  if (principal == null) throw new DhError('DH_ERR_UNAUTHORIZED');
  if (spec.permission == null) return;
  const required = typeof spec.permission === 'string' ? [spec.permission] : spec.permission;
  if (!required.some((permission) => hasPermission(principal, permission))) {
    throw new DhError('DH_ERR_ACCESS_DENIED');
  }
}
