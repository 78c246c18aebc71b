/**
 * The error catalogue: stable codes (they cross process boundaries, never `instanceof`), the
 * status code of the reply, and the exact texts of docs/api/README.md (clients match on
 * them). A text with `%s` takes arguments in order.
 */
export const ERRORS = {
  // envelope and routing (docs/api/README.md, docs/topics/request.md)
  DH_ERR_MALFORMED_JSON: { status: 400, text: 'Malformed Json received.' },
  DH_ERR_ILLEGAL_ACTION: { status: 400, text: 'Illegal argument: %s' },
  DH_ERR_ACTION_UNPARSEABLE: {
    status: 500,
    text: "'action' field could not be parsed to known endpoint",
  },
  DH_ERR_UNAUTHORIZED: { status: 401, text: 'Unauthorized' },
  DH_ERR_ACCESS_DENIED: { status: 403, text: 'Access is denied' },
  DH_ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    text: 'Request is too large: %s bytes, the limit is %s',
  },
  DH_ERR_JSON_TOO_DEEP: {
    status: 400,
    text: 'Malformed Json received: nested deeper than %s levels',
  },
  DH_ERR_RATE_LIMITED: { status: 429, text: 'Too many requests' },
  DH_ERR_TOO_MANY_SUBSCRIPTIONS: {
    status: 429,
    text: 'Too many subscriptions: the limit is %s per connection',
  },
  DH_ERR_BACKEND_TIMEOUT: { status: 503, text: 'Service unavailable: no reply within %s ms' },
  DH_ERR_BACKEND_UNAVAILABLE: { status: 503, text: 'Service unavailable' },
  /**
   * An error reply of a remote DeviceHive server (docs/adr/0014): its status and text, passed on;
   * the status here is only the default of {@link DhError.remote}.
   */
  DH_ERR_REMOTE: { status: 500, text: '%s' },
  DH_ERR_INTERNAL: { status: 500, text: 'Internal server error' },
  DH_ERR_VALIDATION: { status: 400, text: '%s' },
  DH_ERR_CONFLICT: {
    status: 409,
    text: 'Posted data conflicts with internal state. Retry again if you are sure that data is correct. Consider not forcing server to do implicit operations, e.g. avoid device class or network updates or replacing equipment set during device registration.',
  },

  // docs/api/README.md catalogue
  DEVICE_ID_REQUIRED: { status: 400, text: 'Device id is wrong or empty' },
  DEVICE_NOT_FOUND: { status: 404, text: 'Device with such deviceId = %s not found' },
  DEVICE_ID_CONTAINS_INVALID_CHARACTERS: {
    status: 400,
    text: 'Device Id can only contain letters, digits and dashes.',
  },
  DEVICE_REQUIRED: { status: 400, text: 'Device is empty' },
  DEVICE_NAME_REQUIRED: { status: 400, text: 'name field cannot be null.' },
  NETWORK_ID_REQUIRED: { status: 400, text: 'Network id is wrong or empty' },
  NETWORK_REQUIRED: { status: 400, text: 'Network is required' },
  NETWORK_NOT_FOUND: { status: 404, text: 'Network with id = %s not found' },
  NETWORKS_NOT_FOUND: { status: 404, text: "Networks with such networkIds wasn't found: {%s}" },
  DUPLICATE_NETWORK: {
    status: 403,
    text: 'Network cannot be created. Network with such name already exists',
  },
  NETWORK_DELETION_NOT_ALLOWED: {
    status: 400,
    text: 'There are the following devices within this network: %s. Please review and delete them first.',
  },
  NO_ACCESS_TO_NETWORK: { status: 403, text: 'No access to network!' },
  DEVICE_TYPE_ID_REQUIRED: { status: 400, text: 'Device type id is wrong or empty' },
  DEVICE_TYPE_REQUIRED: { status: 400, text: 'Device type is required' },
  DEVICE_TYPE_NOT_FOUND: { status: 404, text: 'Device type with id = %s not found' },
  DEVICE_TYPES_NOT_FOUND: {
    status: 404,
    text: "Device types with such deviceTypeIds wasn't found: {%s}",
  },
  DUPLICATE_DEVICE_TYPE: {
    status: 403,
    text: 'Device type cannot be created. Device type with such name already exists',
  },
  DEVICE_TYPE_DELETION_NOT_ALLOWED: {
    status: 400,
    text: 'There are the following devices within this device type: %s. Please review and delete them first.',
  },
  NO_ACCESS_TO_DEVICE_TYPE: { status: 403, text: 'No access to device type!' },
  DEVICE_TYPE_ASSIGNMENT_NOT_ALLOWED: {
    status: 403,
    text: 'Cannot assign device type to user with all device types allowed',
  },
  NO_ACCESS_TO_DEVICE: { status: 403, text: 'No access to device' },
  NO_ACCESS_TO_DEVICE_TYPES_OR_NETWORKS: {
    status: 403,
    text: 'No access to any device type or network',
  },
  DEVICE_IS_NOT_CONNECTED_TO_NETWORK: {
    status: 403,
    text: 'Device with deviceId = %s is not connected to any network',
  },
  COMMAND_ID_REQUIRED: { status: 400, text: 'Command id is wrong or empty' },
  COMMAND_NOT_FOUND: { status: 404, text: 'Command with id = %s not found' },
  EMPTY_COMMAND: { status: 400, text: 'Command is required' },
  NOTIFICATION_REQUIRED: { status: 400, text: 'Notification is required' },
  NOTIFICATION_ID_REQUIRED: { status: 400, text: 'Notification id is wrong or empty' },
  NOTIFICATION_ID_NOT_INTEGER: { status: 400, text: 'Notification id should be an integer value.' },
  NOTIFICATION_NOT_FOUND: { status: 404, text: 'Requested notification not found' },
  SUBSCRIPTION_NOT_FOUND: { status: 404, text: 'Subscription with id %s was not found' },
  PARAMS_NOT_JSON: { status: 400, text: "'parameters' must be JSON Object!" },
  USER_ID_REQUIRED: { status: 400, text: 'User id is wrong or empty' },
  USER_REQUIRED: { status: 400, text: 'User is required' },
  USER_NOT_FOUND: { status: 404, text: 'User with id = %s not found' },
  USER_NETWORK_NOT_FOUND: {
    status: 404,
    text: 'Network with id %s for user with id %s was not found',
  },
  USER_DEVICE_TYPE_NOT_FOUND: {
    status: 404,
    text: 'Device type with id %s for user with id %s was not found',
  },
  LOGIN_LENGTH_INVALID: {
    status: 400,
    text: 'Field cannot be empty. The length of login should be from 3 to 128 symbols.',
  },
  LOGIN_PATTERN_INVALID: {
    status: 400,
    text: 'Login can contain only lowercase or uppercase letters, numbers, and some special symbols (_@.)',
  },
  INVALID_USER_ROLE: { status: 400, text: 'User role is invalid or empty' },
  DUPLICATE_LOGIN: {
    status: 403,
    text: 'User with such login already exists. Please, select another one',
  },
  PASSWORD_VALIDATION_FAILED: {
    status: 400,
    text: 'Password can contain only from 6 to 128 symbols!',
  },
  ADMIN_PERMISSIONS_REQUIRED: { status: 403, text: 'Admin permissions required for this action' },
  CANT_DELETE_CURRENT_USER_KEY: {
    status: 403,
    text: 'You can not delete a user or access key that you use to authenticate this request',
  },
  CAN_NOT_GET_CURRENT_USER: { status: 409, text: 'Can not get current user.' },
  ID_NOT_ALLOWED: { status: 400, text: 'Invalid request parameters. Id cannot be specified.' },
  INVALID_REQUEST_PARAMETERS: { status: 400, text: 'Invalid request parameters' },
  CONFIGURATION_NAME_REQUIRED: { status: 400, text: 'Configuration name is wrong or empty' },
  CONFIGURATION_NAME_TOO_LONG: {
    status: 400,
    text: "Name cannot be empty. The name's length should not be more than 32 symbols.",
  },
  CONFIGURATION_VALUE_REQUIRED: { status: 400, text: 'value field cannot be null.' },
  CONFIGURATION_VALUE_LENGTH: {
    status: 400,
    text: 'Field cannot be empty. The length of value should not be more than 128 symbols.',
  },
  CONFIG_NOT_FOUND: {
    status: 404,
    text: 'Requested config with name = %s not found in the database',
  },
  UNPARSEABLE_SORT_ORDER: { status: 400, text: 'Unparseable sort order : %s' },
  UNPARSEABLE_TIMESTAMP: { status: 400, text: 'Unparseable timestamp' },
  USER_LOGIN_NOT_FOUND: { status: 401, text: 'User with login = %s not found or bad password' },
  INCORRECT_CREDENTIALS: { status: 401, text: 'Invalid credentials' },
  USER_NOT_ACTIVE: { status: 401, text: 'User is locked or disabled' },
  USER_NOT_ACTIVE_FORBIDDEN: { status: 403, text: 'User is locked or disabled' },
  INVALID_AUTH_REQUEST_PARAMETERS: {
    status: 400,
    text: 'Invalid or empty authorization request parameters',
  },
  INVALID_TOKEN_TYPE: { status: 401, text: 'Invalid token type' },
  EXPIRED_TOKEN: { status: 401, text: 'Token has expired' },
  TOKEN_EXPIRED_AUTHENTICATE: { status: 401, text: 'Token expired' },
  PAYLOAD_NOT_FOUND: { status: 400, text: 'Missing or invalid payload in request' },

  // dh-mqtt additions (docs/security.md): secret settings, the operator's user commands
  CONFIG_SECRET: {
    status: 403,
    text: "Configuration '%s' is a secret and cannot be read or changed through the API",
  },
  USER_LOGIN_UNKNOWN: { status: 404, text: 'User with login = %s not found' },
} as const satisfies Record<string, { status: number; text: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Fills the `%s` placeholders of a catalogue text, in order. */
export function errorText(code: ErrorCode, ...args: ReadonlyArray<string | number>): string {
  let i = 0;
  return ERRORS[code].text.replace(/%s/g, () => String(args[i++] ?? ''));
}

/**
 * A DeviceHive error: a catalogue code, the reply status and the final text. Thrown by the core
 * and the gateway handlers; turned into an error reply (envelopes.ts) at the edge.
 */
export class DhError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    ...args: ReadonlyArray<string | number>
  ) {
    super(errorText(code, ...args));
    this.name = 'DhError';
    this.status = ERRORS[code].status;
  }

  /** A validation error with a free text (DTO failures name the field). */
  static validation(text: string): DhError {
    return new DhError('DH_ERR_VALIDATION', text);
  }

  /**
   * The error reply of a remote DeviceHive server (docs/adr/0014), passed on with the server's own
   * status and text. A status outside 400–599 becomes 500.
   */
  static remote(status: number, text: string): DhError {
    const error = new DhError('DH_ERR_REMOTE', text);
    const valid = Number.isInteger(status) && status >= 400 && status <= 599;
    (error as { status: number }).status = valid ? status : ERRORS.DH_ERR_REMOTE.status;
    return error;
  }
}

export function isDhError(value: unknown): value is DhError {
  return (
    value instanceof Error &&
    typeof (value as DhError).code === 'string' &&
    Object.prototype.hasOwnProperty.call(ERRORS, (value as DhError).code)
  );
}
