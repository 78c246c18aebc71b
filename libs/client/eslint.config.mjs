import root, { productionCode } from '../../eslint.config.mjs';

// MQTT.js is this lib's one runtime dependency (libs/client/package.json); every other package
// that productionCode names stays forbidden here.
const [level, options] = productionCode.rules['no-restricted-imports'];
const clientCode = {
  ...productionCode,
  rules: {
    'no-restricted-imports': [
      level,
      { ...options, paths: options.paths.filter((path) => path.name !== 'mqtt') },
    ],
  },
};

export default [...root, clientCode];
