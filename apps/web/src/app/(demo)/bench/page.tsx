import type { Metadata } from 'next'
import { BenchExport } from '@/components/bench/bench-export'
import { BenchTables, MachineLine } from '@/components/bench/bench-report'
import { Intro } from '@/components/intro'
import { BenchRunner } from '@/components/bench/bench-runner'
import { BENCH_SCHEMA } from '@/lib/bench'
import { benchUnavailable, readCommittedReport } from '@/lib/bench-server'

export const metadata: Metadata = { title: 'Bench' }
// The committed figures are read from the repository when the page is asked for, not at build.
export const dynamic = 'force-dynamic'

export default async function BenchPage() {
  const committed = await readCommittedReport()
  return (
    <>
      <Intro
        title="What each strategy costs, beside its limit"
        lesson={
          <>
            Each strategy&apos;s throughput as a share of its <em>physical limit</em>: a bare process doing only the work that
            strategy cannot avoid, measured in the same round. Ratios, not req/s.
          </>
        }
      >
        <p>
          <code>pnpm bench</code> drives the built API with autocannon. The limit of each strategy is a bare Fastify process doing one
          HMAC, one Redis GET, one Postgres primary-key SELECT or a signed cookie copy, and nothing else. This machine&apos;s speed
          moves from second to second; a ratio measured within one round does not. The CPU µs per request and the platform tax
          (what the API adds to every request) say where the rest goes.
        </p>
      </Intro>
      <BenchRunner unavailable={benchUnavailable()} />
      <section className="panel bench" aria-labelledby="bench-committed-title" data-testid="bench-report-committed">
        <h2 id="bench-committed-title">Latest full run in the repository</h2>
        {committed && 'report' in committed ? (
          <>
            <p className="muted">
              <code>packages/bench/results/latest.json</code>: a run of {committed.report.durationSeconds} s
              {committed.report.storm.length ? ', with the login storm (its figures are in latest.md)' : ''}.
            </p>
            <MachineLine report={committed.report} />
            <BenchExport report={committed.report} pageRun={false} />
            <BenchTables report={committed.report} judged name="the committed run" />
          </>
        ) : committed ? (
          <p className="muted" data-testid="bench-other-schema">
            The committed run (packages/bench/results/latest.json) is in the format <code>{committed.otherSchema}</code>, from before
            the bench measured every strategy against its physical limit; this page reads <code>{BENCH_SCHEMA}</code>. Run{' '}
            <code>pnpm bench</code> in the repository for a current one.
          </p>
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
