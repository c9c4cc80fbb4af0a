/** The parts of a JWT, decoded but NOT verified. */
export interface DecodedToken {
  header: unknown
  payload: unknown
  /** the third segment, exactly as it appears in the token */
  signature: string
}

/** One base64url segment (no padding, `-` and `_`) → the UTF-8 text it encodes. */
export function base64urlToText(segment: string): string {
  // TODO: turn base64url back into base64 (characters and padding), decode it, read it as UTF-8.
  throw new Error('TODO: base64urlToText in decode.ts')
}

/** `header.payload.signature` → its parts; throws unless the token has exactly three segments. */
export function decodeToken(token: string): DecodedToken {
  // TODO: split on '.', refuse anything but three segments, JSON.parse the first two.
  throw new Error('TODO: decodeToken in decode.ts')
}
