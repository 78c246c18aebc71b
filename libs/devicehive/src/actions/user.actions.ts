import { DhError, UserRole, type JsonObject, type Principal } from '@dh-mqtt/protocol';
import type { ActionContext, ActionImpl, ActionTable } from '../core/action';
import { UserAssignmentRepository } from '../repositories/user-assignment.repository';
import {
  isUniqueViolation,
  UserRepository,
  type UserChanges,
} from '../repositories/user.repository';
import { hashNewPassword } from '../auth/password';
import { userAssignmentActions } from './user-assignment.actions';
import {
  checkBoolean,
  checkData,
  checkLogin,
  checkPassword,
  checkRole,
  checkStatus,
  readUserFilter,
  readUserListOptions,
  requireId,
  requireUserPayload,
  type RequestId,
  type UserPayload,
} from './user-request';
import { listedUserView, publishedUserView, submittedUserView } from './user-views';

/**
 * The session principal; the gateway only routes authenticated calls here (docs/api/README.md step
 * 2).
 */
export function requirePrincipal(ctx: ActionContext): Principal {
  if (ctx.principal == null) throw new DhError('DH_ERR_UNAUTHORIZED');
  return ctx.principal;
}

const present = (value: unknown) => value !== undefined && value !== null;

async function publishedUser(ctx: ActionContext, userId: number): Promise<JsonObject | undefined> {
  const user = await new UserRepository(ctx.sql).findById(userId);
  if (!user) return undefined;
  const networks = await new UserAssignmentRepository(ctx.sql).listAssigned('network', userId);
  return publishedUserView(user, networks);
}

/**
 * `user/update` and `user/updateCurrent` (docs/api/users.md): partial update where `data` is always
 * replaced (null when omitted, a reference quirk), the password only when non-empty, and login,
 * role, status and allDeviceTypesAvailable reserved to ADMIN callers. A new password is stored as
 * scrypt (auth/password.ts). A status set here is the admin's: it clears `locked_at`, so a
 * LOCKED_OUT set here never expires, and ACTIVE also resets the failed attempts (docs/security.md).
 */
async function updateUser(ctx: ActionContext, target: RequestId, payload: UserPayload) {
  const caller = requirePrincipal(ctx);
  const users = new UserRepository(ctx.sql);
  const userId = target.id;
  const existing = await users.findById(userId);
  if (!existing) throw new DhError('USER_NOT_FOUND', target.text);
  // A CLIENT may change only its password, data and introReviewed (docs/api/users.md); the
  // device-type flag is guarded too, or a CLIENT could widen its own access (docs/api/README.md).
  const wantsAdminChange = [
    payload.login,
    payload.status,
    payload.role,
    payload.allDeviceTypesAvailable,
  ].some(present);
  if (caller.role !== UserRole.Admin && wantsAdminChange) {
    throw new DhError('ADMIN_PERMISSIONS_REQUIRED');
  }
  const changes: UserChanges = { data: checkData(payload.data) };
  if (present(payload.login)) {
    const login = checkLogin(payload.login);
    const holder = await users.findIdByLogin(login);
    if (holder !== null && holder !== userId) throw new DhError('DUPLICATE_LOGIN');
    changes.login = login;
  }
  const password =
    present(payload.password) && payload.password !== ''
      ? checkPassword(payload.password)
      : undefined;
  if (present(payload.role)) changes.role = checkRole(payload.role);
  if (present(payload.status)) changes.status = checkStatus(payload.status);
  if (present(payload.introReviewed)) changes.introReviewed = checkBoolean(payload.introReviewed);
  if (present(payload.allDeviceTypesAvailable)) {
    changes.allDeviceTypesAvailable = checkBoolean(payload.allDeviceTypesAvailable);
  }
  // Hashed once everything else is valid: a refused request costs no scrypt.
  if (password !== undefined) changes.passwordHash = await hashNewPassword(password);
  let updated: boolean;
  try {
    updated = await users.update(userId, changes);
  } catch (error) {
    // Another request took the login between the check above and this update.
    if (isUniqueViolation(error)) throw new DhError('DUPLICATE_LOGIN');
    throw error;
  }
  if (!updated) throw new DhError('USER_NOT_FOUND', target.text);
}

const list: ActionImpl = async (ctx, request) => {
  const users = await new UserRepository(ctx.sql).list(
    readUserFilter(request),
    readUserListOptions(request),
  );
  return { body: { users: users.map(listedUserView) } };
};

const count: ActionImpl = async (ctx, request) => {
  const n = await new UserRepository(ctx.sql).count(readUserFilter(request));
  return { body: { count: n } };
};

const get: ActionImpl = async (ctx, request) => {
  const caller = requirePrincipal(ctx);
  const { id, text } = requireId(request, 'userId', 'USER_ID_REQUIRED');
  // A CLIENT caller cannot see other users: same 404 as a missing one (docs/api/users.md).
  const user =
    caller.role === UserRole.Admin || caller.userId === id
      ? await publishedUser(ctx, id)
      : undefined;
  if (!user) throw new DhError('USER_NOT_FOUND', text);
  return { body: { user } };
};

const insert: ActionImpl = async (ctx, request) => {
  const payload = requireUserPayload(request);
  if (!present(payload.role)) throw new DhError('INVALID_USER_ROLE');
  const role = checkRole(payload.role);
  const login = checkLogin(payload.login);
  const password = checkPassword(payload.password);
  const fields = {
    login,
    role,
    status: present(payload.status) ? checkStatus(payload.status) : 0,
    data: checkData(payload.data),
    introReviewed: present(payload.introReviewed) ? checkBoolean(payload.introReviewed) : false,
    allDeviceTypesAvailable: present(payload.allDeviceTypesAvailable)
      ? checkBoolean(payload.allDeviceTypesAvailable)
      : true,
  };
  // Hashed once everything else is valid: a refused request costs no scrypt.
  const user = await new UserRepository(ctx.sql).insert({
    ...fields,
    passwordHash: await hashNewPassword(password),
  });
  if (!user) throw new DhError('DUPLICATE_LOGIN');
  return { body: { user: submittedUserView(user) } };
};

const update: ActionImpl = async (ctx, request) => {
  const payload = requireUserPayload(request);
  await updateUser(ctx, requireId(request, 'userId', 'USER_ID_REQUIRED'), payload);
  return { body: {} };
};

const remove: ActionImpl = async (ctx, request) => {
  const caller = requirePrincipal(ctx);
  const { id, text } = requireId(request, 'userId', 'USER_ID_REQUIRED');
  if (id === caller.userId) throw new DhError('CANT_DELETE_CURRENT_USER_KEY');
  if (!(await new UserRepository(ctx.sql).delete(id))) throw new DhError('USER_NOT_FOUND', text);
  return { body: {} };
};

const getCurrent: ActionImpl = async (ctx) => {
  const current = await publishedUser(ctx, requirePrincipal(ctx).userId);
  if (!current) throw new DhError('CAN_NOT_GET_CURRENT_USER');
  return { body: { current } };
};

const updateCurrent: ActionImpl = async (ctx, request) => {
  const payload = requireUserPayload(request);
  const userId = requirePrincipal(ctx).userId;
  await updateUser(ctx, { id: userId, text: String(userId) }, payload);
  return { body: {} };
};

/**
 * The `user/*` actions (docs/api/users.md). Replies never carry the password hash,
 * salt or loginAttempts. Permission and authentication are checked before these run
 * (docs/api/README.md).
 */
export const userActions: ActionTable = {
  'user/list': list,
  'user/count': count,
  'user/get': get,
  'user/insert': insert,
  'user/update': update,
  'user/delete': remove,
  'user/getCurrent': getCurrent,
  'user/updateCurrent': updateCurrent,
  ...userAssignmentActions,
};
