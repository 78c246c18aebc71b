// Shared jest settings of every project: swc transform (decorators + metadata), path aliases
// from tsconfig.base.json, and ESM-only packages (NestJS 12, aedes, jose, PGlite) transformed to
// CommonJS because jest 30 cannot load ES modules on Node 20.
'use strict';
const path = require('node:path');
const { swcOptions } = require('./tools/swc-options.cjs');
const { compilerOptions } = require('./tsconfig.base.json');

const root = __dirname;
const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace(/[/.]/g, '\\$&')}$`] = path.join(root, target);
}

const esmPackages = ['@nestjs', 'aedes', 'jose', '@electric-sql', 'mqemitter', 'hyperid'];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.[cm]?[tj]s$': ['@swc/jest', swcOptions()] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper,
  testMatch: ['**/*.spec.ts'],
  setupFiles: [path.join(root, 'tools/jest/setup.cjs')],
};
