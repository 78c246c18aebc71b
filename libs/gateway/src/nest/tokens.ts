/** Injection tokens of the gateway module: the ports are interfaces, so they need tokens. */
export const DEVICE_HIVE = Symbol('DeviceHivePort');
export const GATEWAY_BUS = Symbol('GatewayBus');
export const GATEWAY_LOGGER = Symbol('GatewayLogger');
export const GATEWAY_OPTIONS = Symbol('GatewayModuleOptions');

/** The message pattern the bus transport routes every request envelope to. */
export const GATEWAY_REQUEST_PATTERN = 'dh.request';
