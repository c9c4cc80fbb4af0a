/** The parts of a JWT, decoded but NOT verified. */
export interface DecodedToken {
  header: unknown
  payload: unknown
  /** the third segment, exactly as it appears in the token */
  signature: string
}

/** One base64url segment (no padding, `-` and `_`) → the UTF-8 text it encodes. */
export function base64urlToText(segment: string): string {
  const base64 = segment.replaceAll('-', '+').replaceAll('_', '/')
  const padding = '='.repeat((4 - (base64.length % 4)) % 4)
  return Buffer.from(base64 + padding, 'base64').toString('utf8')
}

/** `header.payload.signature` → its parts; throws unless the token has exactly three segments. */
export function decodeToken(token: string): DecodedToken {
  const segments = token.split('.')
  if (segments.length !== 3) throw new Error(`a JWT has 3 segments, this one has ${segments.length}`)
  const [header, payload, signature] = segments as [string, string, string]
  return { header: JSON.parse(base64urlToText(header)), payload: JSON.parse(base64urlToText(payload)), signature }
}
