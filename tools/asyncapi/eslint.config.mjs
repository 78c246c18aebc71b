import root, { productionCode } from '../../eslint.config.mjs';

export default [...root, productionCode];
