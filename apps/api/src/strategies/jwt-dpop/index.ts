import { tokenStrategy } from '../jwt/index.ts'
import { DpopProofs } from './proofs.ts'

/**
 * The `jwt` strategy with its tokens bound to a key pair the browser keeps (RFC 9449, DPoP): login
 * binds the access token (`cnf.jkt`) and the refresh family to the key that signed its proof, and
 * every request, refresh and logout must carry a fresh proof signed by that key. A stolen token or
 * refresh cookie is useless without the key, which the browser cannot export.
 */
export default tokenStrategy({
  name: 'jwt-dpop',
  proofs: (scope) => new DpopProofs(scope.redis),
})
