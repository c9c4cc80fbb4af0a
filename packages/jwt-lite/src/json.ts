import { JwtLiteError } from './errors.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

// JSON.parse stores "__proto__" as a plain own key, which is harmless until some later merge or
// Object.assign copies it and swaps an object's prototype. Refusing the key up front means no
// caller can be caught out.
function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new JwtLiteError('ERR_JWT_MALFORMED', 'JSON with a "__proto__" key is refused')
  return value
}

export function parseJson(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new JwtLiteError('ERR_JWT_MALFORMED', 'token segment is not UTF-8')
  }
  try {
    return JSON.parse(text, refuseProtoKey)
  } catch (error) {
    if (error instanceof JwtLiteError) throw error
    throw new JwtLiteError('ERR_JWT_MALFORMED', 'token segment is not JSON')
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
