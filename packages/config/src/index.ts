export type { Config } from './config.js';
export { ConfigError, configSchema, loadConfig, loadConfigOrExit } from './config.js';
