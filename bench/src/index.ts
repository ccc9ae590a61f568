export { BENCHMARKS } from './run.js';
