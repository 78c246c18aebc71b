// Test support of @dh-mqtt/protocol (`@dh-mqtt/protocol/testing`): for specs only, never built.
export * from './dto.fixtures';
export * from './principal.fixtures';
