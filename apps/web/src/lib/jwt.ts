/** A compact JWS split into its parts, for the inspector: decoding never verifies anything. */
export interface DecodedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  /** the third part, base64url, as it came */
  signature: string
}

function base64UrlBytes(part: string): Uint8Array {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

function fromBase64Url(part: string): string {
  return new TextDecoder().decode(base64UrlBytes(part))
}

export function toBase64Url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function parseObject(part: string, name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(fromBase64Url(part))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`the ${name} is not a JSON object`)
  return value as Record<string, unknown>
}

export function decodeToken(token: string): DecodedToken | { error: string } {
  const parts = token.trim().split('.')
  if (parts.length !== 3) return { error: `a JWT has 3 parts separated by dots; this has ${parts.length}` }
  try {
    return { header: parseObject(parts[0] as string, 'header'), payload: parseObject(parts[1] as string, 'payload'), signature: parts[2] as string }
  } catch (error) {
    return { error: `cannot decode: ${(error as Error).message}` }
  }
}

/** Re-encodes header and payload as they are written, keeping the signature it is given. */
export function encodeToken(header: string, payload: string, signature: string): string {
  return `${toBase64Url(header)}.${toBase64Url(payload)}.${signature}`
}

export function signatureHex(signature: string): string {
  try {
    return Array.from(base64UrlBytes(signature), (byte) => byte.toString(16).padStart(2, '0')).join('')
  } catch {
    return '(not base64url)'
  }
}
