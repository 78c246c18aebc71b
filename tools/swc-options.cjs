// One swc configuration for the build (tools/scripts/build.mjs) and for jest (jest.preset.cjs):
// CommonJS output for Node 20, legacy decorators with metadata (NestJS dependency injection).
'use strict';

/** @param {{ paths?: Record<string, string[]>, baseUrl?: string }} [resolve] */
function swcOptions(resolve = {}) {
  return {
    swcrc: false,
    sourceMaps: true,
    module: { type: 'commonjs', strict: true },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      ...(resolve.baseUrl ? { baseUrl: resolve.baseUrl, paths: resolve.paths } : {}),
    },
  };
}

module.exports = { swcOptions };
