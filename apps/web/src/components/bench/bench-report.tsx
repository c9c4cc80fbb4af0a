import { formatRatio, formatRps, formatTrips, pairs, type BenchReport, type TargetSummary } from '@/lib/bench'
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

/** The report's two tables: every route beside its limit probe, then what each strategy adds over its probe. */
export function BenchTables({ report }: { report: BenchReport }) {
  const rows = pairs(report)
  return (
    <>
      <div className="table-scroll">
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
      <div className="table-scroll">
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
