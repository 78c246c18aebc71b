import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { findAction, type ActionName } from '../actions/action-catalog';
import { DhError } from '../errors/error-catalog';
import { fieldNames, pickDeclaredFields, restoreRawFields, type DtoClass } from './dto-schema';
import { fastNotificationInsert } from './fast-requests';
import { cacheValidationMetadata } from './metadata-cache';
import { isWireLong, toWireLong } from './field-decorators';
import { REQUEST_DTOS, type ActionRequest } from './request-dtos';
import { toDhError } from './validation-errors';

cacheValidationMetadata();

/** The outcome of `validateRequest`. */
export type RequestValidation<A extends ActionName> =
  { ok: true; request: ActionRequest<A> } | { ok: false; error: DhError };

const malformed = (): { ok: false; error: DhError } => ({
  ok: false,
  error: new DhError('DH_ERR_MALFORMED_JSON'),
});

/**
 * The reference parses these three from EVERY request before dispatch (docs/api/README.md):
 * `deviceId` as a string, the others as 64-bit integers (numeric strings accepted).
 */
function wireIdsParse(payload: Record<string, unknown>): boolean {
  const own = (key: string): unknown =>
    Object.prototype.hasOwnProperty.call(payload, key) ? payload[key] : undefined;
  const deviceId = own('deviceId');
  if (deviceId != null && typeof deviceId !== 'string') return false;
  return ['networkId', 'deviceTypeId'].every((key) => {
    const value = own(key);
    return value == null || isWireLong(toWireLong(value));
  });
}

interface WithDefaults {
  applyDefaults(): void;
}

const hasDefaults = (request: object): request is WithDefaults =>
  typeof (request as Partial<WithDefaults>).applyDefaults === 'function';

function withDefaults<R>(request: object): R {
  if (hasDefaults(request)) request.applyDefaults();
  return request as R;
}

/**
 * Validates the fields of a `dh/request` payload for `action` and builds its typed request.
 *
 * - `action` and `requestId` are envelope fields and ignored; unknown fields are dropped
 *   (docs/api/README.md).
 * - A wrong kind in `deviceId`/`networkId`/`deviceTypeId` (any action) ⇒ 400
 *   `Malformed Json received.` (docs/api/README.md).
 * - Otherwise the reference's per-action text where the spec gives one, else a 400 naming the
 *   field (`Validation failed: take must be a non-negative integer`, docs/topics/request.md).
 * - Checks that need the database (existence, duplicates, access) are the core's; each DTO's
 *   TSDoc lists them.
 *
 * Never throws: any payload, however hostile (`__proto__` keys, deep nesting, huge arrays, wrong
 * shapes), yields a result. An action outside `ACTIONS` yields 400 `Illegal argument: <action>`.
 */
export function validateRequest<A extends ActionName>(
  action: A,
  payload: Record<string, unknown>,
): RequestValidation<A> {
  try {
    if (findAction(String(action)) === undefined) {
      return { ok: false, error: new DhError('DH_ERR_ILLEGAL_ACTION', String(action)) };
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return malformed();
    if (!wireIdsParse(payload)) return malformed();

    if (action === 'notification/insert') {
      const request = fastNotificationInsert(payload);
      if (request) return { ok: true, request: request as ActionRequest<A> };
    }
    return validateFields(action, payload);
  } catch {
    // A payload that breaks the libraries (e.g. exhausts the stack) is not parseable JSON to us.
    return malformed();
  }
}

/**
 * The general DTO step of {@link validateRequest} (class-transformer, then class-validator),
 * without the direct path of the commonest request (`fastNotificationInsert`). Exported for the
 * spec that holds the two to the same output; may throw on a payload that breaks the libraries.
 */
export function validateFields<A extends ActionName>(
  action: A,
  payload: Record<string, unknown>,
): RequestValidation<A> {
  const dto: DtoClass = REQUEST_DTOS[action];
  // Nothing to check (`server/info`, ...): the instance class-validator would have passed.
  if (fieldNames(dto).length === 0) return { ok: true, request: withDefaults(new dto()) };
  const picked = pickDeclaredFields(dto, payload);
  const request = plainToInstance(dto, picked);
  restoreRawFields(dto, request, picked);
  const errors = validateSync(request, {
    whitelist: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  if (errors.length > 0) return { ok: false, error: toDhError(errors) };
  return { ok: true, request: withDefaults(request) };
}
