import { sessionStrategy } from '../session/index.ts'
import { PgSessionStore } from './pg-store.ts'

/** The `session` strategy with its sessions in Postgres instead of Redis. */
export default sessionStrategy({ name: 'session-pg', store: (scope) => new PgSessionStore(scope.pg) })
