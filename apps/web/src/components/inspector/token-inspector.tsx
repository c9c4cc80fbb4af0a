'use client'
import { useEffect, useState } from 'react'
import { TOKEN_STRATEGIES, type LoginResponse } from '@lab/contracts'
import { apiFetch, type ApiCall } from '@/lib/api'
import { useCredentials, type TokenStrategy } from '@/lib/credentials'
import { decodeToken, encodeToken, signatureHex } from '@/lib/jwt'
import { DEMO_USERS } from '@/lib/strategies'
import { RequestRow, statusClass } from '../request-row'

const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const

function relative(seconds: number, now: number): string {
  const delta = Math.round(seconds - now / 1000)
  return delta >= 0 ? `in ${delta} s` : `${-delta} s ago`
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2)

/** Decode a token, edit it, send it, and read the server's verdict. */
export function TokenInspector() {
  const { tokens, setToken } = useCredentials()
  const [original, setOriginal] = useState('')
  const [headerText, setHeaderText] = useState('')
  const [payloadText, setPayloadText] = useState('')
  const [signature, setSignature] = useState('')
  const [dropSignature, setDropSignature] = useState(false)
  const [strategy, setStrategy] = useState<TokenStrategy>('jwt')
  const [target, setTarget] = useState<'admin' | 'me'>('admin')
  const [results, setResults] = useState<Array<{ label: string; call: ApiCall }>>([])
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])

  const decoded = original ? decodeToken(original) : null
  const load = (token: string, from?: TokenStrategy) => {
    setOriginal(token)
    const result = decodeToken(token)
    if ('error' in result) return
    setHeaderText(pretty(result.header))
    setPayloadText(pretty(result.payload))
    setSignature(result.signature)
    setDropSignature(false)
    const audience = typeof result.payload.aud === 'string' ? result.payload.aud : ''
    const fromAudience = TOKEN_STRATEGIES.find((name) => audience.endsWith(`:${name}`))
    setStrategy(from ?? fromAudience ?? 'jwt')
  }

  const header = parseJson(headerText)
  const payload = parseJson(payloadText)
  const edited = header && payload ? encodeToken(JSON.stringify(header), JSON.stringify(payload), dropSignature ? '' : signature) : null
  const changed = edited !== null && edited !== original

  const edit = (part: 'header' | 'payload', change: Record<string, unknown>) => {
    if (part === 'header' && header) setHeaderText(pretty({ ...header, ...change }))
    if (part === 'payload' && payload) setPayloadText(pretty({ ...payload, ...change }))
  }
  const send = async (label: string, token: string) => {
    const call = await apiFetch(`/api/${strategy}/${target}`, { token })
    setResults((previous) => [{ label, call }, ...previous].slice(0, 20))
  }
  const loginFor = async (name: TokenStrategy) => {
    const call = await apiFetch<LoginResponse>(`/api/${name}/login`, { method: 'POST', json: DEMO_USERS.alice })
    if (call.ok && call.body?.accessToken && call.body.accessTokenExpiresAt) {
      setToken(name, { accessToken: call.body.accessToken, expiresAt: call.body.accessTokenExpiresAt, username: call.body.user.username })
      load(call.body.accessToken, name)
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

  const latest = results[0]
  return (
    <div className="inspector">
      <section className="panel" aria-labelledby="source-heading">
        <h2 id="source-heading">1. A token</h2>
        <div className="actions">
          {TOKEN_STRATEGIES.map((name) => {
            const grant = tokens[name]
            return grant ? (
              <button key={name} type="button" className="quiet" onClick={() => load(grant.accessToken, name)}>
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
              <span className={statusClass(cookieLogin.me.status)}>{cookieLogin.me.status}</span>: the browser sent the token by itself.
            </p>
          )}
        </div>
        <label className="stacked">
          Paste a token
          <textarea rows={3} value={original} onChange={(event) => load(event.target.value.trim())} spellCheck={false} data-testid="token-input" />
        </label>
        {decoded && 'error' in decoded && <p className="problem">{decoded.error}</p>}
      </section>

      {decoded && !('error' in decoded) && (
        <>
          <section className="panel" aria-labelledby="decoded-heading">
            <h2 id="decoded-heading">2. Decoded, and yours to edit</h2>
            <div className="jwt-parts">
              <label className="stacked part-header">
                Header
                <textarea rows={4} value={headerText} onChange={(event) => setHeaderText(event.target.value)} spellCheck={false} data-testid="header-json" />
                {!header && <span className="problem">not a JSON object</span>}
              </label>
              <label className="stacked part-payload">
                Payload
                <textarea rows={11} value={payloadText} onChange={(event) => setPayloadText(event.target.value)} spellCheck={false} data-testid="payload-json" />
                {!payload && <span className="problem">not a JSON object</span>}
              </label>
              <div className="stacked part-signature">
                Signature (HMAC-SHA256 of the original header and payload, hex)
                <code className="signature" data-testid="signature">
                  {signatureHex(signature) || '(none)'}
                </code>
              </div>
            </div>
            {payload && (
              <dl className="note times" data-testid="times">
                {TIME_CLAIMS.filter((claim) => typeof payload[claim] === 'number').map((claim) => (
                  <div key={claim} className="time-claim">
                    <dt>{claim}</dt>
                    <dd data-testid={`claim-${claim}`}>
                      {new Date((payload[claim] as number) * 1000).toLocaleString()} ({relative(payload[claim] as number, now)})
                      {claim === 'exp' && (payload.exp as number) * 1000 <= now && <strong className="problem"> expired</strong>}
                    </dd>
                  </div>
                ))}
              </dl>
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
              <label>
                <input type="checkbox" checked={dropSignature} onChange={(event) => setDropSignature(event.target.checked)} /> drop the signature
              </label>
              <button type="button" className="quiet" onClick={() => load(original)}>
                Undo edits
              </button>
            </div>
            <p className="muted">
              Re-encoded, the edited token keeps the old signature: only the server&apos;s secret could sign the new header and payload.
            </p>
            {edited && (
              <code className="token" data-testid="edited-token">
                {edited}
              </code>
            )}
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
              <button type="button" onClick={() => send('original', original)} data-testid="send-original">
                Send the original
              </button>
              <button type="button" className="danger" onClick={() => edited && send('edited', edited)} disabled={!changed} data-testid="send-edited">
                Send the edited token
              </button>
            </div>
            {latest && (
              <p className={`verdict-line ${latest.call.ok ? 'verdict-accepted' : 'verdict-rejected'}`} data-testid="verdict" data-status={latest.call.status} data-code={latest.call.errorCode ?? ''}>
                The {latest.label} token: {latest.call.ok ? 'accepted' : 'rejected'} with {latest.call.status}
                {latest.call.errorCode ? ` ${latest.call.errorCode}` : ''}
                {latest.call.message ? `: ${latest.call.message}` : ''}
                {latest.call.authReason ? ` (reason: ${latest.call.authReason})` : ''}
              </p>
            )}
            <ol className="timeline">
              {results.map((result) => (
                <RequestRow key={result.call.id} call={result.call} label={`${result.label} → ${result.call.path.replace(/^\/api/, '')}`} />
              ))}
            </ol>
          </section>
        </>
      )}
    </div>
  )
}
