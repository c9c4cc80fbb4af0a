import fc from 'fast-check'

// Registered claims are left out: jwt-lite checks their types and times (exercise 4's subject),
// and it refuses "__proto__" keys at any depth.
const RESERVED = ['__proto__', 'exp', 'nbf', 'iat', 'iss', 'sub', 'aud', 'jti']

/** Random JSON claim sets of an application's own claims. */
export const customClaims = fc
  .dictionary(fc.string().filter((key) => !RESERVED.includes(key)), fc.jsonValue())
  .filter((claims) => !JSON.stringify(claims).includes('"__proto__"'))
