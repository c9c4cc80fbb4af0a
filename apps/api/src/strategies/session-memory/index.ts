import { MEMORY_SESSION } from '@lab/contracts'
import { sessionStrategy } from '../session/index.ts'
import { MemorySessionStore } from './memory-store.ts'

/**
 * The `session` strategy with its sessions in this process's memory. Not one of the four: only the
 * replicas view reaches it (routes/replicas.ts, demo profile with LAB_REPLICAS=true), to show what
 * a second replica makes of a session it never saw.
 */
export default sessionStrategy({ name: MEMORY_SESSION, store: () => new MemorySessionStore() })
