import type { BenchReport, TargetSummary } from './types.ts'

const fixed = (value: number, digits: number) => value.toFixed(digits)
const ratio = (value: number) => fixed(value, 2)
const ms = (value: number) => (value < 10 ? fixed(value, 2) : fixed(value, 0))
const rps = (value: number) => Math.round(value).toLocaleString('en-US')
const trips = ({ redis, pg }: TargetSummary['roundTrips']) =>
  [redis ? `${redis} Redis` : '', pg ? `${pg} Postgres` : ''].filter(Boolean).join(' + ') || 'none'
const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** The chart: each strategy's ratio to the no-auth baseline with its limit probe beside it. */
export function renderSvg(report: BenchReport): string {
  const left = 190
  const scale = 440
  const barHeight = 16
  const groupHeight = 2 * barHeight + 22
  const top = 46
  const width = left + scale + 150
  const height = top + report.strategies.length * groupHeight + 40
  const x = (value: number) => left + Math.min(value, 1.2) * scale
  const probeOf = (strategy: TargetSummary) => report.probes.find((p) => p.name === strategy.probe)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="20" font-size="14" font-weight="600">Throughput as a share of the no-auth baseline (median of ${report.settings.rounds} rounds)</text>`,
    `<text x="12" y="36" fill="#555">${escapeXml(`${report.date.slice(0, 10)} · Node ${report.environment.node} · ${report.environment.cores} cores · ${report.environment.cpuModel}`)}</text>`,
  ]
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top - 4}" x2="${x(tick)}" y2="${height - 30}" stroke="#ddd"/>`,
      `<text x="${x(tick)}" y="${height - 16}" text-anchor="middle" fill="#555">${tick.toFixed(2)}</text>`,
    )
  }
  report.strategies.forEach((strategy, i) => {
    const y = top + i * groupHeight
    const probe = probeOf(strategy)
    parts.push(
      `<text x="${left - 8}" y="${y + barHeight - 3}" text-anchor="end" font-weight="600">${escapeXml(strategy.name)}</text>`,
      `<rect x="${left}" y="${y}" width="${x(strategy.ratio) - left}" height="${barHeight}" fill="#2563eb"/>`,
      `<text x="${x(strategy.ratio) + 4}" y="${y + barHeight - 3}">${ratio(strategy.ratio)} (CPU ${ratio(strategy.cpuRatio)})</text>`,
    )
    if (probe) {
      const py = y + barHeight + 2
      parts.push(
        `<text x="${left - 8}" y="${py + barHeight - 3}" text-anchor="end" fill="#555">limit: ${escapeXml(probe.name.replace('probe:', ''))} probe</text>`,
        `<rect x="${left}" y="${py}" width="${x(probe.ratio) - left}" height="${barHeight}" fill="#93c5fd"/>`,
        `<text x="${x(probe.ratio) + 4}" y="${py + barHeight - 3}" fill="#555">${ratio(probe.ratio)} (CPU ${ratio(probe.cpuRatio)})</text>`,
      )
    }
    if (strategy.target) {
      const tx = x(strategy.target.reach)
      parts.push(`<line x1="${tx}" y1="${y - 2}" x2="${tx}" y2="${y + barHeight + 2}" stroke="#dc2626" stroke-width="2" stroke-dasharray="3 2"/>`)
    }
  })
  parts.push(
    `<text x="${width - 12}" y="36" text-anchor="end" fill="#dc2626">┆ goal (reach)</text>`,
    `<text x="${x(1)}" y="${height - 1}" text-anchor="middle" fill="#555" font-size="10">no-auth baseline</text>`,
    '</svg>',
  )
  return parts.join('\n') + '\n'
}

function targetRow(target: TargetSummary): string {
  const goal = target.target ? `${ratio(target.target.reach)} / ${ratio(target.target.stretch)}: ${target.target.met}` : ''
  return `| ${target.name} | ${target.work} | **${ratio(target.ratio)}** (${ratio(target.ratioMin)}–${ratio(target.ratioMax)}) | ${ratio(target.cpuRatio)} | ${rps(target.rps)} | ${ms(target.p50Ms)} | ${ms(target.p99Ms)} | ${fixed(target.cpuMicrosPerRequest, 0)} | ${trips(target.roundTrips)} | ${goal} |`
}

/** The Markdown report: what was measured, on what, by which command, and the figures. */
export function renderMarkdown(report: BenchReport, svgFile: string): string {
  const env = report.environment
  const s = report.settings
  const lines = [
    `# Benchmark: what each strategy costs, beside its limit`,
    '',
    `${report.quick ? '**Quick run (smoke check, too short for conclusions).** ' : ''}${report.date} · \`${report.command}\` · ${report.durationSeconds} s`,
    '',
    `Machine: ${env.cpuModel}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}; load average ${fixed(env.loadBefore, 2)} before, ${fixed(env.loadAfter, 2)} after.  `,
    `Node ${env.node} (V8 ${env.v8}, OpenSSL ${env.openssl}) · Redis ${env.redis} · PostgreSQL ${env.postgres} (${env.postgresKind}) · loopback.  `,
    `Load: autocannon, ${s.connections} connections, no pipelining, ${s.duration} s per route and round, ${s.rounds} rounds after a warm-up, order reversed every other round; ` +
      `${s.users} users, each strategy's \`/me\` rotating through its own ${report.strategies[0]?.credentials ?? 0} credentials. Every response was 2xx.`,
    '',
    `![ratios](${svgFile})`,
    '',
    '**Ratio** = median over rounds of (route req/s ÷ no-auth baseline req/s in the same round), with the range over rounds. ' +
      'Absolute req/s move with the machine\'s load; ratios measured within a round are the robust figure. ' +
      '**CPU ratio** = median over rounds of (baseline CPU µs/req ÷ route CPU µs/req), CPU being the API process\'s user+system time per request: ' +
      'what one saturated Node thread would give, and steadier than throughput when the host\'s speed swings within a round.',
    '',
    '| route | work per request | ratio (range) | CPU ratio | req/s | p50 ms | p99 ms | CPU µs/req | round trips | goal reach / stretch |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    targetRow(report.baseline),
    ...report.strategies.flatMap((strategy) => {
      const probe = report.probes.find((p) => p.name === strategy.probe)
      return probe ? [targetRow(strategy), targetRow(probe)] : [targetRow(strategy)]
    }),
    '',
    '## What the strategy and its library add over the limit',
    '',
    '| strategy | its probe | strategy ÷ probe throughput | extra CPU µs/req over the probe |',
    '| --- | --- | --- | --- |',
    ...report.strategies.map((strategy) => {
      const probe = report.probes.find((p) => p.name === strategy.probe)
      if (!probe) return `| ${strategy.name} | | | |`
      return `| ${strategy.name} | ${probe.name} | ${ratio(strategy.ratio / probe.ratio)} | ${fixed(strategy.cpuMicrosPerRequest - probe.cpuMicrosPerRequest, 0)} |`
    }),
  ]
  if (report.storm.length > 0) {
    const first = report.storm[0] as BenchReport['storm'][number]
    lines.push(
      '',
      '## Login storm: argon2id logins while other clients call `/me`',
      '',
      `${first.meConnections} clients call \`GET /api/jwt/me\` while login clients post to \`/api/jwt/login\` (argon2id, 19 MiB, 2 passes) for ${s.stormDuration} s. ` +
        'Event-loop delay is `perf_hooks.monitorEventLoopDelay` inside the API process.',
      '',
      '| variant | login clients | logins/s | login p99 ms | `/me` req/s | `/me` p50 ms | `/me` p99 ms | loop delay p50 / p99 / max ms |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...report.storm.map(
        (v) =>
          `| ${v.name} | ${v.loginConnections} | ${fixed(v.logins.rps, 0)} | ${v.loginConnections ? ms(v.logins.p99Ms) : ''} | ${rps(v.me.rps)} | ${ms(v.me.p50Ms)} | ${ms(v.me.p99Ms)} | ${ms(v.loopDelayMs.p50)} / ${ms(v.loopDelayMs.p99)} / ${ms(v.loopDelayMs.max)} |`,
      ),
    )
  }
  return lines.join('\n') + '\n'
}
