import type { Metadata } from 'next'
import { BenchTables, MachineLine } from '@/components/bench/bench-report'
import { BenchRunner } from '@/components/bench/bench-runner'
import { benchUnavailable, readCommittedReport } from '@/lib/bench-server'

export const metadata: Metadata = { title: 'Bench' }
// The committed figures are read from the repository when the page is asked for, not at build.
export const dynamic = 'force-dynamic'

export default async function BenchPage() {
  const committed = await readCommittedReport()
  return (
    <>
      <div className="intro">
        <h1>What each strategy costs, beside its limit</h1>
        <p>
          <code>pnpm bench</code> drives the built API with autocannon and reports each strategy&apos;s throughput as a share of a
          no-auth baseline measured in the same round, next to a <em>limit probe</em> doing only the work that strategy cannot avoid
          (one HMAC, one Redis GET, one Postgres primary-key SELECT). Ratios, not req/s: this machine&apos;s speed moves from second to
          second, a ratio measured within one round does not.
        </p>
      </div>
      <BenchRunner unavailable={benchUnavailable()} />
      <section className="panel bench" aria-labelledby="bench-committed-title" data-testid="bench-report-committed">
        <h2 id="bench-committed-title">Latest full run in the repository</h2>
        {committed ? (
          <>
            <p className="muted">
              <code>packages/bench/results/latest.json</code>: a run of {committed.durationSeconds} s
              {committed.storm.length ? ', with the login storm (its figures are in latest.md)' : ''}.
            </p>
            <MachineLine report={committed} />
            <BenchTables report={committed} />
          </>
        ) : (
          <p className="muted">
            No committed run found beside this web server (packages/bench/results/latest.json): run <code>pnpm bench</code> in the
            repository.
          </p>
        )}
      </section>
    </>
  )
}
