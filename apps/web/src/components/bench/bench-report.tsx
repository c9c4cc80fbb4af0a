import { formatRatio, formatRps, formatTrips, pairs, verdictText, type BenchReport, type LimitComparison, type TargetSummary } from '@/lib/bench'
import { formatMs } from '@/lib/round-trips'

/** On what, and how, a report was measured: the line the Markdown report opens with. */
export function MachineLine({ report }: { report: BenchReport }) {
  const e = report.environment
  const s = report.settings
  return (
    <p className="muted bench-machine" data-testid="bench-machine">
      {report.date.slice(0, 16).replace('T', ' ')} UTC · {e.cpuModel}, {e.cores} cores, {e.memoryGiB} GiB · Node {e.node} (OpenSSL {e.openssl}) · Redis{' '}
      {e.redis} · PostgreSQL {e.postgres.split(' ')[0]} ({e.postgresKind}) · {s.rounds} rounds of {s.duration} s per route, {s.connections} connections,{' '}
      {s.users} users · load average {e.loadBefore.toFixed(2)} before, {e.loadAfter.toFixed(2)} after · <code>{report.command}</code>
    </p>
  )
}

function TargetRow({ target }: { target: TargetSummary }) {
  return (
    <tr data-testid={`bench-row-${target.name}`} data-ratio={target.ratio} className={`bench-${target.kind}`}>
      <th scope="row">{target.name}</th>
      <td>{target.work}</td>
      <td>
        <strong data-testid="ratio">{formatRatio(target.ratio)}</strong>{' '}
        <span className="muted">
          ({formatRatio(target.ratioMin)}–{formatRatio(target.ratioMax)})
        </span>
      </td>
      <td>{formatRatio(target.cpuRatio)}</td>
      <td>{formatRps(target.rps)}</td>
      <td>{formatMs(target.p50Ms)}</td>
      <td>{formatMs(target.p99Ms)}</td>
      <td>{target.cpuMicrosPerRequest.toFixed(0)}</td>
      <td>{formatTrips(target.roundTrips)}</td>
    </tr>
  )
}

const micros = (value: number) => value.toFixed(0)

function LimitRow({ report, row, judged }: { report: BenchReport; row: LimitComparison; judged: boolean }) {
  const bare = [report.bare.baseline, ...report.bare.probes].find((target) => target.name === row.bareProbe)
  const cpu = row.cpuMicrosPerRequest
  const result = verdictText(row.target, judged)
  return (
    <tr data-testid={`bench-limit-${row.name}`} data-share={row.ratio} data-verdict={result}>
      <th scope="row">{row.name}</th>
      <td>{bare?.work}</td>
      <td>
        <strong data-testid="share">{formatRatio(row.ratio)}</strong>{' '}
        <span className="muted">
          ({formatRatio(row.ratioMin)}–{formatRatio(row.ratioMax)})
        </span>
      </td>
      <td>{formatRatio(row.cpuRatio)}</td>
      <td>{row.inAppProbeRatio === undefined ? '–' : formatRatio(row.inAppProbeRatio)}</td>
      <td className="nowrap">
        {micros(cpu.route)} / {cpu.inAppProbe === undefined ? '–' : micros(cpu.inAppProbe)} / {micros(cpu.bareProbe)}
      </td>
      <td className="nowrap">
        ≥ {formatRatio(row.target.reach)}, stretch {formatRatio(row.target.stretch)}
      </td>
      <td className={judged && row.target.verdict !== 'not judged' ? `goal goal-${row.target.verdict === 'missed' ? 'missed' : 'reached'}` : 'muted'}>{result}</td>
    </tr>
  )
}

/**
 * The report's tables: each strategy against its physical limit (a bare process doing only the work
 * it cannot avoid), the platform tax, every route inside the API beside its probe there, and what
 * each strategy adds over that probe. `judged`: false for a run too short to judge the targets.
 */
export function BenchTables({ report, judged, name }: { report: BenchReport; judged: boolean; name: string }) {
  /** A table wider than a phone scrolls in a region a keyboard can reach, named after the run it belongs to. */
  const region = (label: string) => ({ role: 'region', 'aria-label': `${label}, ${name}`, tabIndex: 0 }) as const
  const rows = pairs(report)
  const { limit } = report
  const judgedHere = judged && !report.quick
  return (
    <>
      <h3>Against the physical limit</h3>
      {!judgedHere && (
        <p className="muted" data-testid="bench-not-judged">
          {report.quick ? 'A smoke check (--quick)' : 'A run this short'} proves that every route answers; its figures are too few to judge
          the targets, so none is judged.
        </p>
      )}
      <div className="table-scroll" {...region('Against the physical limit')}>
        <table className="totals bench-table" data-testid="bench-limit">
          <caption className="sr-only">Each strategy&apos;s throughput as a share of its physical limit</caption>
          <thead>
            <tr>
              <th scope="col">route</th>
              <th scope="col">the limit does</th>
              <th scope="col">share of the limit (range)</th>
              <th scope="col">CPU share</th>
              <th scope="col">its probe in the API: share</th>
              <th scope="col">CPU µs/req: route / probe in the API / bare probe</th>
              <th scope="col">target</th>
              <th scope="col">result</th>
            </tr>
          </thead>
          <tbody>
            {[limit.noAuth, ...limit.strategies].map((row) => (
              <LimitRow key={row.name} report={report} row={row} judged={judgedHere} />
            ))}
          </tbody>
        </table>
      </div>
      <p data-testid="bench-platform-tax">
        <strong>Platform tax: {micros(limit.platformTaxMicros)} µs of CPU per request</strong>{' '}
        <span className="muted">
          (the API&apos;s no-auth baseline {micros(report.baseline.cpuMicrosPerRequest)} µs, the bare one{' '}
          {micros(report.bare.baseline.cpuMicrosPerRequest)} µs): what the API&apos;s hooks and options add to every request, whatever
          the strategy. <code>session-cached</code> was measured on its fresh path (SESSION_CACHE_TTL={report.settings.sessionCacheTtl} s,
          longer than the run): no store round trip.
        </span>
      </p>
      <h3>Inside the API</h3>
      <div className="table-scroll" {...region('Inside the API')}>
        <table className="totals bench-table">
          <caption className="sr-only">Every route measured: the baseline, each strategy and its limit probe</caption>
          <thead>
            <tr>
              <th scope="col">route</th>
              <th scope="col">work per request</th>
              <th scope="col">ratio (range)</th>
              <th scope="col">CPU ratio</th>
              <th scope="col">req/s</th>
              <th scope="col">p50 ms</th>
              <th scope="col">p99 ms</th>
              <th scope="col">CPU µs/req</th>
              <th scope="col">round trips</th>
            </tr>
          </thead>
          <tbody>
            <TargetRow target={report.baseline} />
            {rows.flatMap(({ strategy, probe }) => [
              <TargetRow key={strategy.name} target={strategy} />,
              probe ? <TargetRow key={probe.name} target={probe} /> : null,
            ])}
          </tbody>
        </table>
      </div>
      <h3>What the strategy and its library add over the limit</h3>
      <div className="table-scroll" {...region('What each strategy adds over its probe')}>
        <table className="totals bench-table">
          <thead>
            <tr>
              <th scope="col">strategy</th>
              <th scope="col">its probe</th>
              <th scope="col">strategy ÷ probe throughput</th>
              <th scope="col">extra CPU µs/req over the probe</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ strategy, probe }) => (
              <tr key={strategy.name} data-testid={`bench-over-probe-${strategy.name}`}>
                <th scope="row">{strategy.name}</th>
                <td>{probe?.name}</td>
                <td>{probe ? formatRatio(strategy.ratio / probe.ratio) : null}</td>
                <td>{probe ? (strategy.cpuMicrosPerRequest - probe.cpuMicrosPerRequest).toFixed(0) : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
