/**
 * The V8 flags the API process runs with: wherever it is started (`pnpm start`, the image, Compose,
 * Kubernetes; `test/node-flags.test.ts` checks they agree) and in `pnpm bench`, which measures it as
 * deployed.
 *
 * `--max-semi-space-size=64` (MiB; Node 20's default is 16): a page request allocates a few hundred
 * kilobytes that die with it, but with 16 requests in flight a small young generation is scavenged so
 * often that much of it is still live and copied, or promoted to the old generation and collected
 * again there. With 64 the inbox page cost 1.17–1.22 ms of the API's CPU instead of 1.50–1.65 (16
 * sessions, docs/benchmarks.md). The young generation may grow to 2 × 64 MiB; the API's memory limit
 * in `infra/k8s/api.yaml` (512 Mi) leaves room for it.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
