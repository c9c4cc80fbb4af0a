'use client'
import { useEffect, useEffectEvent, useRef, useState } from 'react'
import { TOKEN_STRATEGIES, type LoginResponse } from '@lab/contracts'
import { apiFetch, type ApiCall } from '@/lib/api'
import { useCredentials, type TokenStrategy } from '@/lib/credentials'
import { alterSignature, decodeToken, describeEdits, signatureBytes, toBase64Url, type DecodedToken } from '@/lib/jwt'
import { DEMO_USERS } from '@/lib/strategies'
import { REASON_NOTES } from '@/lib/token-notes'
import { outcomeOf } from '@/lib/outcome'
import { OutcomeChip } from '../outcome'
import { InspectorHistory, type Sent } from './inspector-history'
import { SignatureStatus, useSignatureFindings } from './signature-status'
import { ColoredToken, MembersTable } from './token-view'

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2)

/** The token a link opened, from the fragment `#token=…`, which the browser never sends to any server. */
function tokenFromFragment(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token')
}

interface Loaded {
  token: string
  decoded: DecodedToken
  /** where it came from, for the history */
  source: string
}

/**
 * Decode a token, edit it, see its signature's status against the server's key, send it, and read
 * the server's verdict and reason. `demo`: the API's demo-only signature check and reasons exist.
 */
export function TokenInspector({ demo }: { demo: boolean }) {
  const { tokens, setToken } = useCredentials()
  const [input, setInput] = useState('')
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [headerText, setHeaderText] = useState('')
  const [payloadText, setPayloadText] = useState('')
  const [signature, setSignature] = useState('')
  const [dropSignature, setDropSignature] = useState(false)
  const [strategy, setStrategy] = useState<TokenStrategy>('jwt')
  const [target, setTarget] = useState<'admin' | 'me'>('admin')
  const [sent, setSent] = useState<Sent[]>([])
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])

  const load = (token: string, source: string, from?: TokenStrategy) => {
    setInput(token)
    const decoded = decodeToken(token)
    if ('error' in decoded) {
      setProblem(token === '' ? null : decoded.error)
      setLoaded(null)
      return
    }
    setProblem(null)
    setLoaded({ token: token.trim(), decoded, source })
    setHeaderText(pretty(decoded.header))
    setPayloadText(pretty(decoded.payload))
    setSignature(decoded.signature)
    setDropSignature(false)
    const audience = typeof decoded.payload.aud === 'string' ? decoded.payload.aud : ''
    setStrategy(from ?? TOKEN_STRATEGIES.find((name) => audience.endsWith(`:${name}`)) ?? 'jwt')
  }
  // "Open in inspector" links carry the token in the fragment; it leaves the address bar once read.
  const openFromLink = useEffectEvent(() => {
    const token = tokenFromFragment()
    if (token === null) return
    load(token, 'opened from a link')
    window.history.replaceState(null, '', window.location.pathname)
  })
  useEffect(() => {
    const open = () => openFromLink()
    open()
    window.addEventListener('hashchange', open)
    return () => window.removeEventListener('hashchange', open)
  }, [])

  const header = parseJson(headerText)
  const payload = parseJson(payloadText)
  // Members left as they were keep their bytes: re-encoding could spell the same JSON differently.
  const segments: [string, string, string] | null =
    loaded && header && payload
      ? [
          headerText === pretty(loaded.decoded.header) ? loaded.decoded.segments[0] : toBase64Url(JSON.stringify(header)),
          payloadText === pretty(loaded.decoded.payload) ? loaded.decoded.segments[1] : toBase64Url(JSON.stringify(payload)),
          dropSignature ? '' : signature,
        ]
      : null
  const current = segments ? segments.join('.') : null
  const edits =
    loaded && header && payload && segments
      ? describeEdits(loaded.decoded, { header, payload, signature: segments[2] })
      : []
  if (loaded && current !== null && current !== loaded.token && edits.length === 0) edits.push('re-encoded: the same members, other bytes')

  const findings = useSignatureFindings(current, demo)
  // What each token's signature was found to be, so the history can say it for the token it sent.
  const signatureOf = useRef(new Map<string, 'valid' | 'invalid'>())
  useEffect(() => {
    const valid = findings && ('valid' in findings.server ? findings.server.valid : findings.browser?.valid)
    if (findings && valid !== undefined && valid !== null) signatureOf.current.set(findings.token, valid ? 'valid' : 'invalid')
  }, [findings])

  const edit = (part: 'header' | 'payload', change: Record<string, unknown>) => {
    if (part === 'header' && header) setHeaderText(pretty({ ...header, ...change }))
    if (part === 'payload' && payload) setPayloadText(pretty({ ...payload, ...change }))
  }
  const send = async (token: string, tokenEdits: string[]) => {
    if (!loaded) return
    const call = await apiFetch(`/api/${strategy}/${target}`, { token })
    const entry: Sent = { edits: tokenEdits, source: loaded.source, signature: signatureOf.current.get(token) ?? 'unknown', call }
    setSent((previous) => [entry, ...previous].slice(0, 30))
  }
  const loginFor = async (name: TokenStrategy) => {
    const call = await apiFetch<LoginResponse>(`/api/${name}/login`, { method: 'POST', json: DEMO_USERS.alice })
    if (call.ok && call.body?.accessToken && call.body.accessTokenExpiresAt) {
      setToken(name, { accessToken: call.body.accessToken, expiresAt: call.body.accessTokenExpiresAt, username: call.body.user.username })
      load(call.body.accessToken, `alice's ${name} login`, name)
    }
  }

  // jwt-cookie: what a script can see of a token kept in an HttpOnly cookie, looked at right after a real login.
  const [cookieLogin, setCookieLogin] = useState<{ login: ApiCall<LoginResponse>; me: ApiCall; fields: string[]; scriptCookies: string[] } | null>(null)
  const loginCookie = async () => {
    const login = await apiFetch<LoginResponse>('/api/jwt-cookie/login', { method: 'POST', json: DEMO_USERS.alice })
    const me = await apiFetch('/api/jwt-cookie/me')
    const scriptCookies = document.cookie
      .split(';')
      .map((pair) => pair.split('=')[0]?.trim() ?? '')
      .filter(Boolean)
    setCookieLogin({ login, me, fields: login.body ? Object.keys(login.body) : [], scriptCookies })
  }

  const latest = sent[0]
  const latestReason = latest?.call.authReason
  const bytes = segments ? signatureBytes(segments[2]) : null
  return (
    <div className="inspector">
      <section className="panel" aria-labelledby="source-heading">
        <h2 id="source-heading">1. A token</h2>
        <div className="actions">
          {TOKEN_STRATEGIES.map((name) => {
            const grant = tokens[name]
            return grant ? (
              <button key={name} type="button" className="quiet" onClick={() => load(grant.accessToken, `the current ${name} token`, name)}>
                Use the current {name} token ({grant.username})
              </button>
            ) : null
          })}
          {TOKEN_STRATEGIES.map((name) => (
            <button key={`login-${name}`} type="button" onClick={() => loginFor(name)} data-testid={`login-${name}`}>
              Log in as alice ({name})
            </button>
          ))}
        </div>
        <div className="cookie-token" data-testid="jwt-cookie-note">
          <p>
            <code>jwt-cookie</code>&apos;s token cannot be inspected here: it lives in the HttpOnly cookie <code>at</code>, which no
            script can read, this page&apos;s included (and an XSS&apos;s). Its login answers without the token.{' '}
            <button type="button" className="quiet" onClick={loginCookie} data-testid="login-jwt-cookie">
              Log in as alice (jwt-cookie) and look for it
            </button>
          </p>
          {cookieLogin && (
            <p data-testid="jwt-cookie-seen" data-fields={cookieLogin.fields.join(' ')} data-script-cookies={cookieLogin.scriptCookies.join(' ')} data-me={cookieLogin.me.status}>
              Login {cookieLogin.login.status}: its body holds <code>{cookieLogin.fields.join(', ') || 'nothing'}</code>
              {cookieLogin.fields.includes('accessToken') ? '' : ', no accessToken'}. The cookies this page&apos;s script can read:{' '}
              <code>{cookieLogin.scriptCookies.join(', ') || 'none'}</code>. Yet <code>GET /api/jwt-cookie/me</code> answered{' '}
              <OutcomeChip outcome={outcomeOf(cookieLogin.me.status, 'owner')}>{cookieLogin.me.status}</OutcomeChip>: the browser sent the token by itself.
            </p>
          )}
        </div>
        <label className="stacked paste-token">
          Paste a token
          <textarea rows={3} value={input} onChange={(event) => load(event.target.value.trim(), 'pasted')} spellCheck={false} data-testid="token-input" />
        </label>
        {problem && <p className="problem">{problem}</p>}
      </section>

      {loaded && (
        <>
          <section className="panel" aria-labelledby="decoded-heading">
            <h2 id="decoded-heading">2. Edit it</h2>
            {segments ? (
              <ColoredToken segments={segments} testId="current-token" />
            ) : (
              <p className="problem">Fix the JSON below to see the token it makes.</p>
            )}
            <div className="actions" role="group" aria-label="Quick edits">
              <button type="button" className="quiet" onClick={() => edit('payload', { role: 'admin' })} disabled={!payload}>
                role → admin
              </button>
              <button type="button" className="quiet" onClick={() => edit('header', { alg: 'none' })} disabled={!header}>
                alg → none
              </button>
              <button type="button" className="quiet" onClick={() => edit('payload', { exp: Math.floor(now / 1000) + 3600 })} disabled={!payload}>
                exp → in one hour
              </button>
              <button type="button" className="quiet" onClick={() => setSignature(alterSignature(signature))} disabled={dropSignature || signature === ''}>
                alter the signature
              </button>
              <label>
                <input type="checkbox" checked={dropSignature} onChange={(event) => setDropSignature(event.target.checked)} /> drop the signature
              </label>
              <button type="button" className="quiet" onClick={() => load(loaded.token, loaded.source, strategy)}>
                Undo edits
              </button>
            </div>
            <p className="muted" data-testid="edits">
              {edits.length === 0 ? 'Unchanged: the token as it was loaded.' : `Edited: ${edits.join('; ')}.`}
            </p>
            {current !== null && <SignatureStatus findings={findings} algorithm={header?.alg} />}
          </section>

          <section className="panel" aria-labelledby="send-heading">
            <h2 id="send-heading">3. Send it</h2>
            <div className="actions">
              <label>
                to{' '}
                <select value={strategy} onChange={(event) => setStrategy(event.target.value as TokenStrategy)} data-testid="send-strategy">
                  {TOKEN_STRATEGIES.map((name) => (
                    <option key={name}>{name}</option>
                  ))}
                </select>
              </label>
              <label>
                route{' '}
                <select value={target} onChange={(event) => setTarget(event.target.value as 'admin' | 'me')} data-testid="send-target">
                  <option value="admin">/admin</option>
                  <option value="me">/me</option>
                </select>
              </label>
              <button type="button" onClick={() => send(loaded.token, [])} data-testid="send-original">
                Send the original
              </button>
              <button type="button" className="danger" onClick={() => current && send(current, edits)} disabled={current === null || edits.length === 0} data-testid="send-edited">
                Send the edited token
              </button>
            </div>
            {latest && (
              <p
                className="verdict-line"
                data-outcome={outcomeOf(latest.call.status, latest.edits.length > 0 ? 'attacker' : 'owner')}
                data-testid="verdict"
                data-status={latest.call.status}
                data-code={latest.call.errorCode ?? ''}
                data-reason={latestReason ?? ''}
              >
                The {latest.edits.length > 0 ? 'edited' : 'original'} token: {latest.call.ok ? 'accepted' : 'rejected'} with {latest.call.status}
                {latest.call.errorCode ? ` ${latest.call.errorCode}` : ''}
                {latest.call.message ? `: ${latest.call.message}` : ''}
                {latestReason && latestReason in REASON_NOTES && (
                  <span className="verdict-reason">
                    reason <code>{latestReason}</code>: {REASON_NOTES[latestReason as keyof typeof REASON_NOTES]}
                  </span>
                )}
                {!latest.call.ok && !demo && <span className="verdict-reason muted">The production profile gives no reason: one generic 401, which tells an attacker nothing.</span>}
              </p>
            )}
          </section>

          <section className="panel" aria-labelledby="parts-heading">
            <h2 id="parts-heading">4. Header, payload and signature: read them, edit the JSON</h2>
            <div className="jwt-parts">
              <div className="stacked part-header">
                <label className="stacked">
                  Header
                  <textarea rows={5} value={headerText} onChange={(event) => setHeaderText(event.target.value)} spellCheck={false} data-testid="header-json" />
                </label>
                {header ? <MembersTable part="header" members={header} now={now} /> : <span className="problem">not a JSON object</span>}
              </div>
              <div className="stacked part-payload">
                <label className="stacked">
                  Payload
                  <textarea rows={11} value={payloadText} onChange={(event) => setPayloadText(event.target.value)} spellCheck={false} data-testid="payload-json" />
                </label>
                {payload ? <MembersTable part="payload" members={payload} now={now} /> : <span className="problem">not a JSON object</span>}
              </div>
              <div className="stacked part-signature">
                Signature
                <code className="signature" data-testid="signature" data-empty={segments?.[2] === ''}>
                  {segments?.[2] || '(none: dropped)'}
                </code>
                <span className="muted signature-formula">
                  {segments?.[2]
                    ? `${bytes === null ? 'not base64url' : `${bytes} bytes`}, over the first two parts as they stand above: `
                    : 'No signature: only a server that accepts "none" would take this token. '}
                  {header?.alg === 'EdDSA'
                    ? 'Ed25519(header.payload) with the private key whose public half the JWKS publishes under kid.'
                    : 'HMAC-SHA256(header.payload, the server’s secret): only the server can make or check it.'}
                </span>
              </div>
            </div>
          </section>

          {sent.length > 0 && (
            <section className="panel" aria-labelledby="history-heading">
              <h2 id="history-heading">5. History</h2>
              <InspectorHistory sent={sent} demo={demo} />
            </section>
          )}
        </>
      )}
    </div>
  )
}
