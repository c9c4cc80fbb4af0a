// A Compare setup (which panes, logged in as whom) as a link, and a Compare session as this tab
// keeps it across a reload. Plain TypeScript with type-only imports of the app, so the web tests run it.
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import type { ApiCall, StolenCredential } from './api'
import type { DemoUser } from './strategies'

export interface PaneSetup {
  strategy: StrategyName
  user: DemoUser
}

/** A pane as a reload must find it: its setup and what the thief took at its last login. */
export interface SavedPane extends PaneSetup {
  stolen: StolenCredential | null
}

export interface PaneCall {
  strategy: StrategyName
  label: string
  call: ApiCall
}

export interface CompareSession {
  panes: SavedPane[]
  calls: PaneCall[]
  /** `?ttl=` for the next logins (demo profile), or null for the configured lifetimes */
  ttl: number | null
}

export const DEFAULT_SETUP: PaneSetup[] = [
  { strategy: 'session', user: 'alice' },
  { strategy: 'jwt', user: 'alice' },
]

const USERS: readonly string[] = ['alice', 'admin']
const isStrategy = (value: string): value is StrategyName => (STRATEGIES as readonly string[]).includes(value)

/** `?panes=session:alice,jwt:admin` → the panes, each strategy once; null when the link names none validly. */
export function parseSetup(search: string): PaneSetup[] | null {
  const value = new URLSearchParams(search).get('panes')
  if (!value) return null
  const panes: PaneSetup[] = []
  for (const part of value.split(',')) {
    const [strategy = '', user = 'alice'] = part.split(':')
    if (!isStrategy(strategy) || !USERS.includes(user) || panes.some((pane) => pane.strategy === strategy)) continue
    panes.push({ strategy, user: user as DemoUser })
  }
  return panes.length > 0 ? panes : null
}

/** The query string of a link that opens Compare with these panes. */
export function formatSetup(panes: readonly PaneSetup[]): string {
  return `?${new URLSearchParams({ panes: panes.map(({ strategy, user }) => `${strategy}:${user}`).join(',') })}`
}

/** Enough for a long session; older requests drop out of the timelines and the totals, which say so. */
export const KEPT_CALLS = 600

/**
 * What this tab kept, when it is a Compare session; null otherwise. Bodies are not kept: a login's
 * holds the access token, which the tab keeps in one place only (lib/credentials).
 */
export function readSession(saved: string | null): CompareSession | null {
  if (!saved) return null
  try {
    const value = JSON.parse(saved) as Partial<CompareSession>
    if (!Array.isArray(value.panes) || !Array.isArray(value.calls)) return null
    const panes = value.panes.filter((pane) => isStrategy(pane.strategy) && USERS.includes(pane.user))
    if (panes.length === 0) return null
    return {
      panes,
      calls: value.calls.filter((entry) => isStrategy(entry.strategy)),
      ttl: typeof value.ttl === 'number' ? value.ttl : null,
    }
  } catch {
    return null
  }
}

export function writeSession(session: CompareSession): string {
  return JSON.stringify({ ...session, calls: session.calls.slice(-KEPT_CALLS).map((entry) => ({ ...entry, call: { ...entry.call, body: null } })) })
}
