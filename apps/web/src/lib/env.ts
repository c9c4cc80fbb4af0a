// The one place the web lab reads its environment. Two readers evaluate this module once each at
// start-up: the web origin (server/main.ts, plain Node) and Next's server bundle. It uses nothing
// but Node, so that both can; the browser's bundles never import it.
import { isAbsolute } from 'node:path'

function profile(value: string | undefined): 'demo' | 'production' {
  if (value === undefined || value === '') return 'production'
  if (value === 'demo' || value === 'production') return value
  throw new Error(`LAB_PROFILE must be demo or production, not ${JSON.stringify(value)}`)
}

function absolutePath(name: string, value: string | undefined): string | null {
  if (!value) return null
  if (!isAbsolute(value)) throw new Error(`${name} must be an absolute path (the repository's root), not ${JSON.stringify(value)}`)
  return value
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new Error(`${name} must be a port number, not ${JSON.stringify(value)}`)
  return parsed
}

function httpUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} must be an http(s) URL, not ${JSON.stringify(value)}`)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search) {
    throw new Error(`${name} must be an http(s) URL with no path (the services serve their paths at its root), not ${JSON.stringify(value)}`)
  }
  return url.origin
}


export const env = {
  /** where the API listens; the origin forwards every /api/* request there */
  apiUrl: httpUrl('API_URL', process.env.API_URL ?? 'http://127.0.0.1:4000'),
  /** where the orders service listens (apps/orders); the origin forwards every /orders/* request there */
  ordersUrl: httpUrl('ORDERS_URL', process.env.ORDERS_URL ?? 'http://127.0.0.1:4001'),
  /**
   * PUBLIC_URL, the address browsers use (a TLS terminator's, say), or null: reached by any address.
   * Its scheme and host are what the origin tells the API (X-Forwarded-Proto and -Host): with https
   * the API's cookies are Secure and __Host-/__Secure- prefixed, and jwt-dpop's htu must name this host.
   */
  publicUrl: process.env.PUBLIC_URL ? httpUrl('PUBLIC_URL', process.env.PUBLIC_URL) : null,
  /** the web origin's address: the browser's only way in */
  host: process.env.WEB_HOST || '127.0.0.1',
  port: port('WEB_PORT', process.env.WEB_PORT, 3000),
  /** as the API's: the attacker routes, the bench runner and the views built on demo-only API routes exist in `demo` alone */
  profile: profile(process.env.LAB_PROFILE),
  /** the repository, for the bench (set by `pnpm demo`); without it the server looks upward from its working directory */
  labRoot: absolutePath('LAB_ROOT', process.env.LAB_ROOT),
  /**
   * The environment of a bench run: the stores the lab uses (unset: the bench's local defaults) and
   * nothing else of this server's, so a run measures the API's defaults whatever the web server was given.
   */
  benchEnv: {
    NODE_ENV: 'production',
    ...Object.fromEntries(
      Object.entries({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: process.env.REDIS_URL,
      }).filter((entry): entry is [string, string] => Boolean(entry[1])),
    ),
  } satisfies NodeJS.ProcessEnv,
}
