export type { Config } from './config.js';
export { ConfigError, configSchema, loadConfig } from './config.js';
