/** The product version (`package.json`), for `$SYS/.../broker/version` and the `dh_build_info` metric. */
export const PRODUCT_VERSION = '0.1.0';
