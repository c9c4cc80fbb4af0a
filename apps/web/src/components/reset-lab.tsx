'use client'
import { useEffect, useState } from 'react'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { apiFetch } from '@/lib/api'
import { TOKENS_KEY, type TokenGrant } from '@/lib/credentials'
import { isCookieStrategy } from '@/lib/strategies'

const REPORT_KEY = 'lab:reset-report'

interface Ended {
  strategy: StrategyName
  logout: number
  /** how the end was checked: the cookies on /me, or the refresh cookie on /refresh */
  check: { route: '/me' | '/refresh'; status: number; code: string | null }
  /** the access token this tab forgot, and when it stops working for anyone who copied it */
  forgotTokenUntil: string | null
}

interface Report {
  at: number
  ended: Ended[]
  cleared: string[]
}

async function endLogin(strategy: StrategyName, grant: TokenGrant | undefined): Promise<Ended> {
  const logout = await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token: grant?.accessToken ?? null })
  // A cookie strategy's /me now says whether the browser's cookies still log anyone in; a bearer
  // strategy's /me would only say the tab dropped its token, so its refresh cookie is tried instead.
  const check = isCookieStrategy(strategy)
    ? { route: '/me' as const, call: await apiFetch(`/api/${strategy}/me`) }
    : { route: '/refresh' as const, call: await apiFetch(`/api/${strategy}/refresh`, { method: 'POST' }) }
  return {
    strategy,
    logout: logout.status,
    check: { route: check.route, status: check.call.status, code: check.call.errorCode },
    forgotTokenUntil: grant?.expiresAt ?? null,
  }
}

/**
 * Demo profile: ends this browser's logins under every strategy (a real logout each, then a check
 * that they are over), forgets what this tab kept (tokens, Compare's panes' timelines and thieves),
 * and reloads every view empty. What it did is said after the reload.
 */
export function ResetLab() {
  const [busy, setBusy] = useState(false)
  const reset = async () => {
    setBusy(true)
    const tokens = JSON.parse(sessionStorage.getItem(TOKENS_KEY) ?? '{}') as Partial<Record<StrategyName, TokenGrant>>
    const ended = await Promise.all(STRATEGIES.map((strategy) => endLogin(strategy, tokens[strategy])))
    const cleared = Object.keys(sessionStorage).filter((key) => key.startsWith('lab:'))
    for (const key of cleared) sessionStorage.removeItem(key)
    sessionStorage.setItem(REPORT_KEY, JSON.stringify({ at: Date.now(), ended, cleared } satisfies Report))
    window.location.reload()
  }
  return (
    <button type="button" className="quiet" onClick={reset} disabled={busy} data-testid="reset-lab" title="Log this browser out everywhere, clear every timeline">
      {busy ? (
        'Resetting…'
      ) : (
        <>
          Reset<span className="phone-hidden"> the lab</span>
        </>
      )}
    </button>
  )
}

const CLEARED: Record<string, string> = {
  'lab:tokens': "this tab's access tokens",
  'lab:compare': "Compare's timelines and thieves",
}

/** What the last reset did, once, after the reload it ended with. */
export function ResetReport() {
  const [report, setReport] = useState<Report | null>(null)
  useEffect(() => {
    const saved = sessionStorage.getItem(REPORT_KEY)
    sessionStorage.removeItem(REPORT_KEY)
    if (saved) setReport(JSON.parse(saved) as Report)
  }, [])
  if (!report) return null
  return (
    <section className="panel reset-report" role="status" aria-labelledby="reset-report-title" data-testid="reset-report">
      <div className="pane-header">
        <h2 id="reset-report-title">Lab reset at {new Date(report.at).toLocaleTimeString()}</h2>
        <button type="button" className="quiet" onClick={() => setReport(null)}>
          Dismiss
        </button>
      </div>
      <ul>
        {report.ended.map(({ strategy, logout, check, forgotTokenUntil }) => (
          <li key={strategy} data-testid={`reset-${strategy}`} data-logout={logout} data-check-status={check.status}>
            <code>{strategy}</code>: logout {logout}, then {check.route} {check.status}
            {check.code ? ` ${check.code}` : ''}
            {forgotTokenUntil &&
              (strategy === 'jwt'
                ? `; this tab forgot its access token, which works until ${new Date(forgotTokenUntil).toLocaleTimeString()} for anyone who copied it`
                : '; this tab forgot its access token')}
          </li>
        ))}
      </ul>
      <p className="muted">
        Forgotten: {report.cleared.map((key) => CLEARED[key] ?? key).join(', ') || 'nothing was kept'}; every view starts empty.
        A thief&apos;s copy is not recalled by a logout: that is what Revocation measures.
      </p>
    </section>
  )
}
