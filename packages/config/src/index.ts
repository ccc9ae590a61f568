export { loadConfig, ConfigError, configSchema } from './config.js';
export type { Config } from './config.js';
