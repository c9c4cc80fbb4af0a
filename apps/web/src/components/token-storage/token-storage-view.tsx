'use client'
import { useEffect, useRef, useState } from 'react'
import type { LoginResponse } from '@lab/contracts'
import { apiFetch, type ApiCall } from '@/lib/api'
import { outcomeOf } from '@/lib/outcome'
import { DEMO_USERS } from '@/lib/strategies'
import { OutcomeChip, OutcomeLegend } from '../outcome'
import { RequestRow } from '../request-row'
import { useBusy } from '@/lib/busy'

/** The page's storage keys, and the payload's URL (public/token-storage/payload.js). */
const KEY = 'lab-demo:access-token'
/** Where the page keeps its jwt-dpop token: as readable as the others; its key is not. */
const DPOP_KEY = 'lab-demo:dpop-token'
const PAYLOAD = '/token-storage/payload.js'

/**
 * The victim app's in-memory copy: a variable of this module, which no other script can name.
 * Module scope rather than React state, as an app's token holder would be.
 */
let memoryToken: string | null = null

type Place = 'localStorage' | 'sessionStorage' | 'memory' | 'cookie' | 'key'

interface Outcome {
  status: number
  code: string | null
  username: string | null
}

/** What the payload reported (public/token-storage/payload.js, `lab:xss` events). */
type Finding =
  | { where: 'localStorage' | 'sessionStorage' | 'memory'; key: string; token: string; strategy: string; replay: Outcome }
  | { where: 'memory'; waiting: true }
  | { where: 'cookie'; visible: string[]; replay: Outcome; ride: Outcome; rideRefresh: { status: number; code: string | null; fields: string[] } }
  | { where: 'key'; token: string; extractable: boolean; exported: string; replay: Outcome; ride: Outcome }

interface Stolen {
  key: string
  token: string
  replay: Outcome
}

interface Loot {
  stolen: Partial<Record<Place, Stolen[]>>
  waiting: boolean
  cookie: Extract<Finding, { where: 'cookie' }> | null
  key: Extract<Finding, { where: 'key' }> | null
}

const NO_LOOT: Loot = { stolen: {}, waiting: false, cookie: null, key: null }

/** The table's columns, also shown above each cell where the rows stack (a phone). */
const COLUMNS = {
  read: 'what the payload read',
  replay: 'sent to the thief, replayed from elsewhere',
  ride: 'used from the victim’s open page',
} as const

const PLACES: ReadonlyArray<{ place: Place; label: string; keeps: string }> = [
  { place: 'localStorage', label: 'localStorage', keeps: `localStorage["${KEY}"]: kept across tabs and restarts` },
  { place: 'sessionStorage', label: 'sessionStorage', keeps: `sessionStorage["${KEY}"]: kept until the tab closes` },
  { place: 'memory', label: 'a JavaScript variable', keeps: 'a variable inside the app’s code: no global name, gone with the page' },
  { place: 'cookie', label: 'an HttpOnly cookie', keeps: 'jwt-cookie’s cookie at: HttpOnly, SameSite=Strict, Path=/api/jwt-cookie' },
  { place: 'key', label: 'a token bound to a key', keeps: `jwt-dpop: sessionStorage["${DPOP_KEY}"], bound to a non-extractable CryptoKey in IndexedDB` },
]

type Injection = 'handler' | 'link' | 'script'

const INJECTIONS: Record<Injection, string> = {
  handler: 'markup with an event handler, <img onerror=…>, put in as HTML',
  link: 'a javascript: link put in as HTML, then clicked',
  script: 'a <script> element with inline code, created by the page’s own code',
}

interface Violation {
  directive: string
  blocked: string
}

const outcomeText = (outcome: Outcome) => `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}${outcome.username ? `, as ${outcome.username}` : ''}`

/**
 * The victim app keeps a login of alice in each of four places; a simulated XSS payload, loaded on
 * purpose from the lab's own origin, takes what it can and hands it to the lab's thief, who replays
 * it from the web server. A second part injects code as an XSS would, and the page's CSP refuses it.
 */
export function TokenStorageView() {
  const [tokens, setTokens] = useState<Partial<Record<Place, string>>>({})
  const [log, setLog] = useState<Array<{ label: string; call: ApiCall }>>([])
  const [loot, setLoot] = useState<Loot>(NO_LOOT)
  const [ran, setRan] = useState(false)
  const { busy, run } = useBusy()
  const [source, setSource] = useState<string | null>(null)
  const [violations, setViolations] = useState<Violation[]>([])
  const [injected, setInjected] = useState<Array<{ what: Injection; ran: boolean | null }>>([])
  const sink = useRef<HTMLDivElement>(null)
  const ranInjected = useRef(new Set<string>())

  useEffect(() => {
    const onFinding = (event: Event) => {
      const finding = (event as CustomEvent<Finding>).detail
      setLoot((previous) => {
        if ('waiting' in finding) return { ...previous, waiting: true }
        if (finding.where === 'cookie') return { ...previous, cookie: finding }
        if (finding.where === 'key') return { ...previous, key: finding }
        const stolen = { key: finding.key, token: finding.token, replay: finding.replay }
        return {
          ...previous,
          waiting: finding.where === 'memory' ? false : previous.waiting,
          stolen: { ...previous.stolen, [finding.where]: [...(previous.stolen[finding.where] ?? []), stolen] },
        }
      })
    }
    const onViolation = (event: SecurityPolicyViolationEvent) => setViolations((previous) => [...previous, { directive: event.effectiveDirective, blocked: event.blockedURI || 'inline' }])
    const onInjected = (event: Event) => ranInjected.current.add((event as CustomEvent<string>).detail)
    window.addEventListener('lab:xss', onFinding)
    window.addEventListener('lab:injected', onInjected)
    document.addEventListener('securitypolicyviolation', onViolation)
    void fetch(PAYLOAD, { cache: 'no-store' }).then(async (response) => setSource(response.ok ? await response.text() : null))
    return () => {
      window.removeEventListener('lab:xss', onFinding)
      window.removeEventListener('lab:injected', onInjected)
      document.removeEventListener('securitypolicyviolation', onViolation)
      memoryToken = null
    }
  }, [])

  const record = (label: string, call: ApiCall) => setLog((previous) => [...previous, { label, call }])

  const logIn = run(async () => {
    setLoot(NO_LOOT)
    setRan(false)
    const next: Partial<Record<Place, string>> = {}
    // One login per place (bearer logins keep no cookie here, so none ends another): each stolen token says where it came from.
    for (const place of ['localStorage', 'sessionStorage', 'memory'] as const) {
      const call = await apiFetch<LoginResponse>('/api/jwt/login', { method: 'POST', json: DEMO_USERS.alice, credentials: 'omit' })
      record(`login for ${place} (jwt)`, call)
      const token = call.body?.accessToken
      if (!token) return
      next[place] = token
    }
    const cookieLogin = await apiFetch<LoginResponse>('/api/jwt-cookie/login', { method: 'POST', json: DEMO_USERS.alice })
    record('login for the cookie (jwt-cookie)', cookieLogin)
    if (!cookieLogin.ok) return
    next.cookie = 'at'
    const dpopLogin = await apiFetch<LoginResponse>('/api/jwt-dpop/login', { method: 'POST', json: DEMO_USERS.alice, credentials: 'omit' })
    record('login for the key-bound token (jwt-dpop)', dpopLogin)
    const dpopToken = dpopLogin.body?.accessToken
    if (!dpopToken) return
    next.key = dpopToken
    localStorage.setItem(KEY, next.localStorage as string)
    sessionStorage.setItem(KEY, next.sessionStorage as string)
    sessionStorage.setItem(DPOP_KEY, dpopToken)
    memoryToken = next.memory ?? null
    setTokens(next)
  })

  function runPayload() {
    setLoot(NO_LOOT)
    setRan(true)
    // Added by this page's own code, so the CSP's 'strict-dynamic' lets it run: the hole an XSS needs, made on purpose.
    const script = document.createElement('script')
    script.src = `${PAYLOAD}?run=${Date.now()}`
    script.addEventListener('load', () => script.remove())
    document.body.append(script)
  }

  const useApp = run(async () => {
    record('the app calls /me with its in-memory token', await apiFetch('/api/jwt/me', { token: memoryToken }))
  })

  /**
   * The same one-line signal, brought in three ways. Markup an XSS injects (an event handler, a
   * javascript: link) is refused by the CSP; a script element the page's own code creates runs,
   * inline or not, because 'strict-dynamic' trusts the page's code (and so does this page's payload).
   */
  function inject(what: Injection) {
    const target = sink.current
    if (!target) return
    const signal = `window.dispatchEvent(new CustomEvent('lab:injected', { detail: '${what}' }))`
    if (what === 'handler') target.innerHTML = `<img src="data:," alt="" onerror="${signal.replace(/"/g, '&quot;')}">`
    if (what === 'link') {
      target.innerHTML = `<a href="javascript:void ${signal.replace(/"/g, '&quot;')}">a link</a>`
      target.querySelector('a')?.click()
    }
    if (what === 'script') {
      const script = document.createElement('script')
      script.textContent = signal
      target.replaceChildren(script)
    }
    setInjected((previous) => [...previous, { what, ran: null }])
    // Whatever was going to run has run by then: a refused handler, link or script never will.
    setTimeout(() => setInjected((previous) => previous.map((entry) => (entry.what === what && entry.ran === null ? { ...entry, ran: ranInjected.current.has(what) } : entry))), 1000)
  }

  const loggedIn = Object.keys(tokens).length === PLACES.length
  const takenAway = (['localStorage', 'sessionStorage', 'memory'] as const).filter((place) =>
    (loot.stolen[place] ?? []).some((each) => each.token === tokens[place] && each.replay.status === 200),
  ).length
  return (
    <>
      <p className="simulated" role="note">
        <strong>Simulated XSS.</strong> The payload is the lab&apos;s own file, <a href={PAYLOAD}>{PAYLOAD}</a>, which this page loads on
        purpose. It contacts nothing but this lab: what it steals goes to the lab&apos;s thief, which replays it from the web server.
      </p>

      <div className="actions">
        <button type="button" onClick={logIn} disabled={busy} data-testid="victim-login">
          1. Victim: log alice in, once per place
        </button>
        <button type="button" className="danger" onClick={runPayload} disabled={busy || !loggedIn} data-testid="run-payload">
          2. Run the simulated XSS payload
        </button>
        <button type="button" onClick={useApp} disabled={busy || !loggedIn} data-testid="use-app">
          3. Victim: the app calls its API
        </button>
      </div>

      {ran && (
        <p className="verdict-line loot-summary" data-outcome={takenAway > 0 || loot.cookie?.ride.status === 200 ? 'danger' : 'safe'} data-testid="loot-summary">
          Taken away, and working from elsewhere: {takenAway} of the 3 tokens a script can reach.{' '}
          {loot.cookie?.ride.status === 200 ? 'The HttpOnly cookie: never read, but used in place while the page was open.' : ''}{' '}
          {loot.key ? `The DPoP token: useless elsewhere (${loot.key.replay.status}); its key used in place, never exported.` : ''}
        </p>
      )}
      <OutcomeLegend show={['danger', 'safe']} />
      <div className="table-scroll" role="region" aria-label="What the payload took, place by place" tabIndex={0}>
        <table className="totals loot" aria-live="polite" data-testid="loot-result">
          <thead>
            <tr>
              <th scope="col">where the page keeps it</th>
              <th scope="col">{COLUMNS.read}</th>
              <th scope="col">{COLUMNS.replay}</th>
              <th scope="col">{COLUMNS.ride}</th>
            </tr>
          </thead>
          <tbody>
            {PLACES.map(({ place, label, keeps }) => {
              const stolen = place === 'cookie' ? [] : (loot.stolen[place] ?? [])
              const own = stolen.find((each) => each.token === tokens[place])
              const cookie = place === 'cookie' ? loot.cookie : null
              const key = place === 'key' ? loot.key : null
              const verdict = !ran ? '' : own ? 'stolen' : cookie || key ? 'ridden' : place === 'memory' && loot.waiting ? 'waiting' : 'pending'
              return (
                <tr key={place} data-testid={`loot-${place}`} data-verdict={verdict}>
                  <th scope="row">
                    {label}
                    <div className="muted keeps">{keeps}</div>
                  </th>
                  <td data-testid="read" data-label={COLUMNS.read}>
                    {own ? (
                      <>
                        <span className="loot-yes">the token</span>, {place === 'memory' ? <>from the {own.key}</> : <>from <code>{own.key}</code></>}: the very
                        one this place holds, <code className="token-tail">…{own.token.slice(-12)}</code>
                      </>
                    ) : cookie ? (
                      <>
                        <span className="loot-no">nothing</span>: <code>document.cookie</code> shows{' '}
                        {cookie.visible.length ? cookie.visible.join(', ') : 'no cookie at all'}
                      </>
                    ) : key ? (
                      <>
                        <span className="loot-yes">the token</span>, and the key as a <code>CryptoKey</code> object from IndexedDB:{' '}
                        <code>extractable: {String(key.extractable)}</code>, <code>exportKey</code>{' '}
                        <span className="loot-no">{key.exported === 'exported' ? 'exported it' : `refused (${key.exported})`}</span>
                      </>
                    ) : verdict === 'waiting' ? (
                      'Not readable by name. A fetch hook waits for the app’s next request that carries it (3).'
                    ) : ran ? (
                      '…'
                    ) : (
                      ''
                    )}
                  </td>
                  <td data-testid="replay" data-label={COLUMNS.replay} data-status={own?.replay.status ?? cookie?.replay.status ?? key?.replay.status ?? ''}>
                    {own && (
                      <>
                        <OutcomeChip outcome={outcomeOf(own.replay.status, 'attacker')}>{own.replay.status}</OutcomeChip> {own.replay.code} {own.replay.username && `as ${own.replay.username}`}
                        <div className="muted">works from anywhere until its exp</div>
                      </>
                    )}
                    {cookie && (
                      <>
                        <OutcomeChip outcome={outcomeOf(cookie.replay.status, 'attacker')}>{cookie.replay.status}</OutcomeChip> {cookie.replay.code}
                        <div className="muted">nothing was taken: there is nothing to replay</div>
                      </>
                    )}
                    {key && (
                      <>
                        <OutcomeChip outcome={outcomeOf(key.replay.status, 'attacker')}>{key.replay.status}</OutcomeChip> {key.replay.code}
                        <div className="muted">the token without its key: the thief’s own key signs for nothing</div>
                      </>
                    )}
                  </td>
                  <td data-testid="ride" data-label={COLUMNS.ride} data-status={cookie?.ride.status ?? key?.ride.status ?? ''}>
                    {cookie ? (
                      <>
                        <code>GET /api/jwt-cookie/me</code> <OutcomeChip outcome={outcomeOf(cookie.ride.status, 'attacker')}>{cookie.ride.status}</OutcomeChip>{' '}
                        {cookie.ride.username && `as ${cookie.ride.username}`}
                        <div>
                          <code>POST /api/jwt-cookie/refresh</code>{' '}
                          <OutcomeChip outcome={outcomeOf(cookie.rideRefresh.status, 'attacker')}>{cookie.rideRefresh.status}</OutcomeChip>,
                          its body: <code>{cookie.rideRefresh.fields.join(', ') || '(none)'}</code>, no token
                        </div>
                        <div className="muted">the browser adds the cookie: the payload acts as alice while the page is open</div>
                      </>
                    ) : key ? (
                      <>
                        <code>GET /api/jwt-dpop/me</code> <OutcomeChip outcome={outcomeOf(key.ride.status, 'attacker')}>{key.ride.status}</OutcomeChip>{' '}
                        {key.ride.username && `as ${key.ride.username}`}
                        <div className="muted">a proof signed with the page’s key: the payload uses the key while the page is open, never takes it</div>
                      </>
                    ) : own ? (
                      <span className="muted">not needed: it has the token</span>
                    ) : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {Object.entries(loot.stolen).flatMap(([place, found]) => found.filter((each) => each.token !== tokens[place as Place])).length > 0 && (
        <p className="muted" data-testid="also-found">
          The payload also took tokens this view did not put there (other views of the lab keep theirs in sessionStorage too):{' '}
          {Object.entries(loot.stolen)
            .flatMap(([place, found]) => found.filter((each) => each.token !== tokens[place as Place]).map((each) => `${place}["${each.key}"] (${outcomeText(each.replay)})`))
            .join('; ')}
          .
        </p>
      )}

      <section className="panel csp" aria-labelledby="csp-title">
        <h2 id="csp-title">The other lesson: how the payload got in</h2>
        <p className="muted">
          This lab&apos;s pages carry a Content-Security-Policy with a fresh nonce per page: a script runs only if it carries the
          nonce or the page&apos;s own code adds it (<code>&apos;strict-dynamic&apos;</code>). The payload above runs because this page
          adds it on purpose. Injected the way an XSS usually arrives, as markup, the same one line of code is refused; added by
          the page&apos;s own code, it runs. (A <code>&lt;script&gt;</code> put in with <code>innerHTML</code> never runs at all,
          CSP or not; one reflected into the page&apos;s HTML by the server is refused for want of the nonce.)
        </p>
        <div className="actions">
          <button type="button" className="quiet" onClick={() => inject('handler')} data-testid="inject-handler">
            Inject &lt;img onerror=…&gt;
          </button>
          <button type="button" className="quiet" onClick={() => inject('link')} data-testid="inject-link">
            Inject a javascript: link
          </button>
          <button type="button" className="quiet" onClick={() => inject('script')} data-testid="inject-script">
            Let the page&apos;s code add a &lt;script&gt;
          </button>
        </div>
        <div ref={sink} hidden />
        {injected.length > 0 && (
          <ul className="csp-results" data-testid="injections">
            {injected.map((entry, index) => (
              <li key={index} data-testid={`injected-${entry.what}`} data-ran={entry.ran === null ? '' : String(entry.ran)}>
                {INJECTIONS[entry.what]}:{' '}
                {entry.ran === null ? '…' : entry.ran ? <strong className="loot-yes">it ran</strong> : <strong className="loot-no">refused, it never ran</strong>}
              </li>
            ))}
          </ul>
        )}
        {violations.length > 0 && (
          <ul className="csp-results" data-testid="violations">
            {violations.map((violation, index) => (
              <li key={index} data-testid="violation">
                The browser refused <code>{violation.blocked}</code> code under <code>{violation.directive}</code>
              </li>
            ))}
          </ul>
        )}
        <p className="muted">
          What the CSP does not do: stop code that already runs, or that the page&apos;s code can be led to add (a library that
          turns strings into scripts, a script gadget). Such a payload calls the API as alice, and can leave with what it read by
          navigating the page to its owner&apos;s site, which <code>connect-src</code> does not cover.
        </p>
      </section>

      {source && (
        <details className="panel">
          <summary>The payload&apos;s source ({PAYLOAD})</summary>
          <pre className="source-code" data-testid="payload-source">
            {source}
          </pre>
        </details>
      )}

      <section className="panel" aria-labelledby="storage-requests">
        <h2 id="storage-requests">The victim app&apos;s requests</h2>
        <ol className="timeline">
          {log
            .slice()
            .reverse()
            .map((entry) => (
              <RequestRow key={entry.call.id} call={entry.call} label={entry.label} />
            ))}
        </ol>
      </section>
    </>
  )
}
