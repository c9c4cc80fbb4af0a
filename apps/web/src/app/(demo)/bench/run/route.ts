import { benchRoot, benchUnavailable, runningSince, startRun } from '@/lib/bench-server'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const problem = (status: number, code: string, message: string) => Response.json({ code, message }, { status })

/**
 * Starts a short bench run and streams its progress as Server-Sent Events (demo profile only): the
 * bench runs in a process of its own, one run at a time, and stops when the browser goes away.
 */
export async function POST(request: Request): Promise<Response> {
  const unavailable = benchUnavailable()
  if (unavailable) return problem(404, 'NOT_FOUND', unavailable)
  // A page of another site must not be able to make this machine run load.
  const site = request.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin') return problem(403, 'CROSS_SITE', 'A bench run starts from the lab’s own page only.')
  const since = runningSince()
  if (since !== null) {
    const seconds = Math.round((Date.now() - since) / 1000)
    return problem(409, 'BENCH_RUNNING', `A bench run is already in progress (started ${seconds} s ago): one at a time, or they would measure each other. Try again when it ends.`)
  }
  const stream = await startRun(benchRoot() as string, request.signal)
  if (!stream) return problem(409, 'BENCH_RUNNING', 'A bench run has just started: one at a time, or they would measure each other.')
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  })
}
