// The physical limit, forked by the bench as fastify/benchmarks forks each server: a bare Fastify
// (no logger, no hooks, default request ids) serving only the limit probes, which do the work each
// strategy cannot avoid with the same secret, claims and stores as the API under test (BENCH_PROBES).
import Fastify from 'fastify'
import { addProbes, type ProbeOptions } from './probes.ts'
import type { ReadyMessage } from './protocol.ts'

const fastify = Fastify()
await addProbes(fastify, JSON.parse(process.env.BENCH_PROBES ?? '') as ProbeOptions, { parseCookies: true })

// The bench ends us with SIGTERM, or we notice it is gone.
const close = () => fastify.close().finally(() => process.exit(0))
process.on('SIGTERM', close)
process.on('disconnect', close)

await fastify.listen({ host: '127.0.0.1', port: 0 })
const address = fastify.server.address()
process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0 } satisfies ReadyMessage)
