import { tokenStrategy } from '../jwt/index.ts'
import { Denylist } from './denylist.ts'

/** The `jwt` strategy plus a Redis denylist, looked up on every request, that makes logout immediate. */
export default tokenStrategy({
  name: 'jwt-denylist',
  denylist: (scope) => new Denylist(scope.redis, scope.config.accessTokenTtl),
})
