// Flat ESLint config of the workspace. Module boundaries are enforced by Nx tags:
//   type:protocol  the wire contract, zero I/O            -> nothing
//   type:util      runtime helpers (config, log, health)  -> protocol
//   type:core      DeviceHive domain and storage          -> protocol, util
//   type:bus       broker <-> gateway transport           -> protocol, util
//   type:broker    aedes assembly                          -> protocol, bus, util
//   type:gateway   NestJS request handling                 -> protocol, bus, core, util
//   type:client    the published MQTT client (@dh-mqtt/client) -> protocol
//   type:app       thin mains                              -> any lib
//   type:tool      benchmarks, infrastructure scripts     -> any lib
// and by scope: scope:broker and scope:gateway may use scope:shared and themselves only;
// scope:standalone and scope:tools compose everything;
// and every framework-free lib is banned from importing NestJS.
// Production code (a lib's or app's `src/`, but neither `*.spec.ts` nor `src/testing/`) never
// imports test support or a test-only package: every lib and app config adds `productionCode`.
import nx from '@nx/eslint-plugin';

const frameworkFree = ['@nestjs/*'];

/**
 * Test support stays out of what ships (CONTRIBUTING.md "Test support"): a lib's `src/testing/`
 * (`@dh-mqtt/<lib>/testing`) and the packages only tests install.
 */
export const productionCode = {
  files: ['src/**/*.ts'],
  ignores: ['src/**/*.spec.ts', 'src/testing/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: ['mqtt', 'mqtt-packet', 'fast-check', '@nestjs/testing'].map((name) => ({
          name,
          message: 'a test-only package (devDependencies): production code must not need it',
        })),
        patterns: [
          {
            regex: '(^|/)testing(/|$)',
            message: 'test support (src/testing/) is for specs only and is not built into dist',
          },
        ],
      },
    ],
  },
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/coverage', '**/tmp', '**/.nx', '**/.infra'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol'] },
            {
              sourceTag: 'type:client',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:client'],
              bannedExternalImports: frameworkFree,
            },
            {
              sourceTag: 'type:util',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:util'],
              bannedExternalImports: frameworkFree,
            },
            {
              sourceTag: 'type:core',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:util', 'type:core'],
              bannedExternalImports: frameworkFree,
            },
            {
              sourceTag: 'type:bus',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:util', 'type:bus'],
              bannedExternalImports: frameworkFree,
            },
            {
              sourceTag: 'type:broker',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:util', 'type:bus', 'type:broker'],
              bannedExternalImports: frameworkFree,
            },
            {
              sourceTag: 'type:gateway',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:util',
                'type:bus',
                'type:core',
                'type:gateway',
              ],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:util',
                'type:bus',
                'type:core',
                'type:broker',
                'type:gateway',
                'type:client',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:util',
                'type:bus',
                'type:core',
                'type:broker',
                'type:gateway',
                'type:client',
              ],
            },
            // scopes: the broker side never reaches into the gateway side (docs/architecture.md)
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'scope:broker',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:broker'],
            },
            {
              sourceTag: 'scope:gateway',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'],
            },
            // The gateway pod's main also publishes pushes into the MQTT fabric with the broker
            // library's publisher (docs/adr/0021); the gateway library stays apart from it.
            {
              sourceTag: 'scope:gateway-pod',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway', 'scope:broker'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', 'tools/**', '**/test/**'],
    rules: { 'no-console': 'off' },
  },
];
