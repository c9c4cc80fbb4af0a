import 'server-only'
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

/** The one place the web server reads its environment. */
export const env = {
  /** where the API listens; every /api/* request of the browser is forwarded there */
  apiUrl: (process.env.API_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''),
  /** as the API's: lab-only controls (the bench page's runs) exist in `demo` alone */
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
