'use client'
import { useEffect, useState } from 'react'
import type { TokenSignatureCheck } from '@lab/contracts'
import { apiFetch } from '@/lib/api'
import { verifyWithJwks, type Jwk, type JwksVerdict } from '@/lib/jwt'
import { REASON_NOTES } from '@/lib/token-notes'
import { JWKS_PATH } from '@/lib/views'

/** What was found about one token's signature: by the server (demo profile), and in this browser with the JWKS. */
export interface SignatureFindings {
  /** the token these findings are about: shown only while it is still the token on screen */
  token: string
  server: TokenSignatureCheck | { unavailable: string }
  /** null: the JWKS publishes no key (HS256, whose secret is never published) */
  browser: JwksVerdict | null
  keys: number
}

async function publishedKeys(): Promise<Jwk[] | null> {
  try {
    const response = await fetch(JWKS_PATH, { cache: 'no-store' })
    return response.ok ? ((await response.json()) as { keys: Jwk[] }).keys : null
  } catch {
    return null
  }
}

async function findings(token: string, demo: boolean): Promise<SignatureFindings> {
  const [serverCall, keys] = await Promise.all([
    demo ? apiFetch<TokenSignatureCheck>('/api/lab/token-signature', { method: 'POST', json: { token } }) : null,
    publishedKeys(),
  ])
  const server: SignatureFindings['server'] =
    serverCall === null
      ? { unavailable: 'In the production profile the API does not say whether a signature verifies: send the token, and it answers one generic 401.' }
      : serverCall.body
        ? serverCall.body
        : { unavailable: `The server's check answered ${serverCall.status} ${serverCall.errorCode ?? ''}` }
  const browser = keys && keys.length > 0 ? await verifyWithJwks(token, keys) : null
  return { token, server, browser, keys: keys?.length ?? 0 }
}

/**
 * The signature findings for `token`, checked again whenever it changes (after a short pause while
 * someone types); null while the token on screen has not been checked yet, so that a finding about
 * a previous token is never shown beside this one.
 */
export function useSignatureFindings(token: string | null, demo: boolean): SignatureFindings | null {
  const [found, setFound] = useState<SignatureFindings | null>(null)
  useEffect(() => {
    if (token === null) return
    let cancelled = false
    const timer = setTimeout(() => {
      void findings(token, demo).then((result) => {
        if (!cancelled) setFound(result)
      })
    }, 200)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [token, demo])
  return found !== null && found.token === token ? found : null
}

const BROWSER_WHY: Record<Exclude<JwksVerdict, { valid: true }>['why'], string> = {
  'not EdDSA': 'its header does not say EdDSA, the only algorithm the published keys verify',
  'no kid': 'its header names no key (kid)',
  'unknown kid': 'the JWKS has no key with its kid',
  'no signature': 'it has no signature',
  'bad signature': 'the signature does not match this header and payload under the published key',
  'not supported': 'this browser has no Ed25519 in WebCrypto',
}

/** The signature's status in words, for the token on screen: never a finding about an earlier one. */
export function SignatureStatus({ findings, algorithm }: { findings: SignatureFindings | null; algorithm: unknown }) {
  if (findings === null) {
    return (
      <p className="signature-status muted" data-testid="signature-status" data-state="checking">
        Checking this token&apos;s signature…
      </p>
    )
  }
  const { server, browser } = findings
  const serverValid = 'valid' in server ? server.valid : null
  const state = serverValid ?? browser?.valid ?? null
  return (
    <div
      className="signature-status"
      data-testid="signature-status"
      data-state={state === null ? 'unknown' : state ? 'valid' : 'invalid'}
      data-server-reason={'reason' in server ? (server.reason ?? '') : ''}
      data-browser={browser === null ? '' : browser.valid ? 'valid' : browser.why}
    >
      {'valid' in server ? (
        <p>
          <span className={`badge ${server.valid ? 'badge-valid' : 'badge-invalid'}`}>{server.valid ? 'signature verified' : 'signature invalid'}</span>{' '}
          by the server, with its {server.algorithm === 'HS256' ? 'HS256 secret' : `Ed25519 key${server.kid ? ` ${server.kid.slice(0, 10)}…` : ''}`}
          {server.reason && (
            <>
              : <code className="error-code">{server.reason}</code> <span className="muted">{REASON_NOTES[server.reason]}</span>
            </>
          )}
          {server.valid && <span className="muted"> The claims are not judged here: send the token to see what a strategy makes of them.</span>}
        </p>
      ) : (
        <p className="muted">{server.unavailable}</p>
      )}
      {browser ? (
        <p data-testid="browser-verdict">
          <span className={`badge ${browser.valid ? 'badge-valid' : 'badge-invalid'}`}>{browser.valid ? 'verified here' : 'not verified here'}</span> in this
          browser with WebCrypto and the public key{browser.kid ? ` ${browser.kid.slice(0, 10)}…` : ''} from <code>{JWKS_PATH}</code>
          {browser.valid ? ': no secret needed, which is why EdDSA keys can be published' : `: ${BROWSER_WHY[browser.why]}`}.
        </p>
      ) : (
        <p className="muted" data-testid="browser-verdict">
          {algorithm === 'HS256' || findings.keys === 0
            ? `The browser cannot check an HS256 signature: the same secret signs and verifies, and it never leaves the server (${JWKS_PATH} publishes no key).`
            : `The JWKS could not be read.`}
        </p>
      )}
    </div>
  )
}
