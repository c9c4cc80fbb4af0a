import { defineConfig } from '@playwright/test'
import { freePort } from '@lab/api/local-stores'

// Ports of their own (never the demo's 3000/4000), chosen once by the runner; workers inherit them.
process.env.E2E_WEB_PORT ??= String(await freePort())
process.env.E2E_API_PORT ??= String(await freePort())
process.env.E2E_ORDERS_PORT ??= String(await freePort())
process.env.E2E_REPLICAS_ORDERS_PORT ??= String(await freePort())
process.env.E2E_REPLICAS_WEB_PORT ??= String(await freePort())
process.env.E2E_REPLICAS_API_PORT ??= String(await freePort())
const webUrl = `http://127.0.0.1:${process.env.E2E_WEB_PORT}`
/** A second lab, as `pnpm demo --replicas 2` starts it: two API processes behind nginx, for the replicas view. */
export const REPLICAS_URL = `http://127.0.0.1:${process.env.E2E_REPLICAS_WEB_PORT}`

/** The access-token TTL the lab runs with here: short, so the revocation journey sees jwt's replay expire, yet long enough that a journey on a busy CI machine finishes within one token's life. */
export const ACCESS_TOKEN_TTL = 20

/**
 * One lab started by the demo launcher (lab-servers.ts), ready when its health answers through the
 * web origin. It gets the environment a user's `pnpm demo` gets, plus `env`: the API's default rate
 * limits, and no DATABASE_URL unless `env` gives one (the embedded Postgres, as on a fresh machine).
 */
function labServer(args: string[], url: string, env: Record<string, string | undefined>) {
  const inherited = { ...process.env }
  delete inherited.DATABASE_URL
  return {
    command: ['node lab-servers.ts', ...args].join(' '),
    url: `${url}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
    env: { ...inherited, LOG_LEVEL: 'warn', ...env } as Record<string, string>,
  }
}

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  // The journeys share one API and one Redis, and the outage journey pauses that Redis: one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Beside the comparison report: Playwright's HTML report of every test, with the trace, screenshot and
  // downloads of any that failed, in report/html/ (report/README.md links to it). Never opened by itself.
  reporter: [['list'], ['html', { outputFolder: 'report/html', open: 'never' }]],
  // The comparison report (Markdown + screenshots) goes to report/, rebuilt on every run.
  globalSetup: './reporting/clear-report.ts',
  globalTeardown: './reporting/write-report.ts',
  use: {
    baseURL: webUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: [
    // The default demo topology (embedded Postgres) with its own redis-server (the outage journey
    // pauses it); the pool's idle timeout short, so the pauses between journeys cross it as hours would.
    labServer([], webUrl, {
      PORT: process.env.E2E_API_PORT,
      ORDERS_PORT: process.env.E2E_ORDERS_PORT,
      WEB_PORT: process.env.E2E_WEB_PORT,
      ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
      DATABASE_IDLE_TIMEOUT: '3',
    }),
    // As `pnpm demo --replicas 2` with the machine's Postgres: two APIs behind nginx share a real server.
    labServer(['--replicas', '2'], REPLICAS_URL, {
      PORT: process.env.E2E_REPLICAS_API_PORT,
      ORDERS_PORT: process.env.E2E_REPLICAS_ORDERS_PORT,
      WEB_PORT: process.env.E2E_REPLICAS_WEB_PORT,
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    }),
  ],
})
