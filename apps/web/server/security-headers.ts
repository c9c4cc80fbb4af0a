import { randomBytes } from 'node:crypto'
import type { OutgoingHttpHeaders } from 'node:http'

/** Sent with every page, asset and error of the web origin (never on /api/*, which keeps the API's own). */
const COMMON: OutgoingHttpHeaders = {
  // Browsers heed it only over https (PUBLIC_URL); over plain http it is ignored, and harmless.
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  // For browsers older than CSP's frame-ancestors.
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

/** The origin's own JSON errors: nothing in them may load or run, nor be framed. */
export const ERROR_HEADERS: OutgoingHttpHeaders = { ...COMMON, 'content-security-policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'" }

/**
 * A page's policy. Next puts the nonce it finds in the request's CSP header on each of its scripts
 * and inline styles; 'strict-dynamic' lets those scripts load the chunks they import. Inline style
 * attributes (React's `style` prop, rendered on the server) need style-src-attr: they cannot run code.
 */
function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Headers for one page response, and the CSP to hand to Next (which reads the nonce from the request). */
export function pageHeaders(): { headers: OutgoingHttpHeaders; policy: string } {
  const policy = pagePolicy(randomBytes(16).toString('base64'))
  return { headers: { ...COMMON, 'content-security-policy': policy }, policy }
}
