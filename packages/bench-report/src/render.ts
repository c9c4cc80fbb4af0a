import type { BenchReport, LimitComparison, LimitTarget, TargetName, TargetSummary } from './types.ts'

const fixed = (value: number, digits: number) => value.toFixed(digits)
const ratio = (value: number) => fixed(value, 2)
const ms = (value: number) => (Math.abs(value) < 10 ? fixed(value, 2) : fixed(value, 0))
const signedMs = (value: number) => `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`
const micros = (value: number) => fixed(value, 0)
const rps = (value: number) => Math.round(value).toLocaleString('en-US')
const trips = ({ redis, pg }: TargetSummary['roundTrips']) =>
  [redis ? `${redis} Redis` : '', pg ? `${pg} Postgres` : ''].filter(Boolean).join(' + ') || 'none'
const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** The target as a reader says it: "≥ 0.65 (stretch 0.75)". */
const targetText = (target: LimitTarget) => `≥ ${ratio(target.reach)} (stretch ${ratio(target.stretch)})`
const verdictText = (target: LimitTarget) => (target.verdict === 'not judged' ? 'not judged (smoke check)' : target.verdict)

const allTargets = (report: BenchReport): TargetSummary[] => [report.baseline, ...report.probes, ...report.strategies, report.bare.baseline, ...report.bare.probes]
const find = (report: BenchReport, name: TargetName | undefined) => allTargets(report).find((t) => t.name === name)

/** The chart: each strategy's `/me`, and the no-auth route, as a share of the bare process doing the same work. */
export function renderSvg(report: BenchReport): string {
  const rows: LimitComparison[] = [report.limit.noAuth, ...report.limit.strategies]
  const left = 210
  const scale = 440
  const barHeight = 16
  const groupHeight = 2 * barHeight + 22
  const top = 62
  const labels = left + 1.2 * scale + 10
  const width = labels + 170
  const height = top + rows.length * groupHeight + 40
  const x = (value: number) => left + Math.min(value, 1.2) * scale
  const subtitle = report.quick
    ? 'Smoke check (--quick): too short to judge the targets; run pnpm bench for figures'
    : `${report.date.slice(0, 10)} · Node ${report.environment.node} · Fastify ${report.environment.fastify} · ${report.environment.cores} cores · ${report.environment.cpuModel}`
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="20" font-size="14" font-weight="600">Share of the physical limit: bare Fastify doing the same unavoidable work (median of ${report.settings.rounds} rounds)</text>`,
    `<text x="12" y="36" fill="${report.quick ? '#b45309' : '#555'}">${escapeXml(subtitle)}</text>`,
    `<text x="12" y="52" fill="#555">dark: the API's route · pale: the same work as a probe inside the API · dashed: issue 14 target and stretch</text>`,
  ]
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top - 4}" x2="${x(tick)}" y2="${height - 30}" stroke="#ddd"/>`,
      `<text x="${x(tick)}" y="${height - 16}" text-anchor="middle" fill="#555">${tick.toFixed(2)}</text>`,
    )
  }
  rows.forEach((row, i) => {
    const y = top + i * groupHeight
    const cpu = row.cpuMicrosPerRequest
    parts.push(
      `<text x="${left - 8}" y="${y + barHeight - 3}" text-anchor="end" font-weight="600">${escapeXml(row.name)}</text>`,
      `<rect x="${left}" y="${y}" width="${x(row.ratio) - left}" height="${barHeight}" fill="#2563eb"/>`,
      `<text x="${labels}" y="${y + barHeight - 3}">${ratio(row.ratio)} (${micros(cpu.route)} vs ${micros(cpu.bareProbe)} µs CPU)</text>`,
    )
    if (row.inAppProbeRatio !== undefined) {
      const py = y + barHeight + 2
      parts.push(
        `<text x="${left - 8}" y="${py + barHeight - 3}" text-anchor="end" fill="#555">its probe in the API</text>`,
        `<rect x="${left}" y="${py}" width="${x(row.inAppProbeRatio) - left}" height="${barHeight}" fill="#93c5fd"/>`,
        `<text x="${labels}" y="${py + barHeight - 3}" fill="#555">${ratio(row.inAppProbeRatio)}</text>`,
      )
    }
    for (const mark of [row.target.reach, row.target.stretch]) {
      parts.push(`<line x1="${x(mark)}" y1="${y - 2}" x2="${x(mark)}" y2="${y + barHeight + 2}" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="3 2"/>`)
    }
  })
  parts.push(`<text x="${x(1)}" y="${height - 1}" text-anchor="middle" fill="#555" font-size="10">the limit</text>`, '</svg>')
  return parts.join('\n') + '\n'
}

function targetRow(target: TargetSummary): string {
  return `| ${target.name} | ${target.work} | **${ratio(target.ratio)}** (${ratio(target.ratioMin)}–${ratio(target.ratioMax)}) | ${ratio(target.cpuRatio)} | ${rps(target.rps)} | ${ms(target.p50Ms)} | ${ms(target.p99Ms)} | ${micros(target.cpuMicrosPerRequest)} | ${trips(target.roundTrips)} |`
}

function limitRow(report: BenchReport, row: LimitComparison): string {
  const bare = find(report, row.bareProbe)
  const cpu = row.cpuMicrosPerRequest
  const cpuText = `${micros(cpu.route)} / ${cpu.inAppProbe === undefined ? '–' : micros(cpu.inAppProbe)} / ${micros(cpu.bareProbe)}`
  const probeShare = row.inAppProbeRatio === undefined ? '–' : ratio(row.inAppProbeRatio)
  return `| ${row.name} | ${bare?.work ?? ''} | **${ratio(row.ratio)}** (${ratio(row.ratioMin)}–${ratio(row.ratioMax)}) | ${ratio(row.cpuRatio)} | ${probeShare} | ${cpuText} | ${targetText(row.target)} | ${verdictText(row.target)} |`
}

/** The Markdown report: what was measured, on what, by which command, and the figures. */
export function renderMarkdown(report: BenchReport, svgFile: string): string {
  const env = report.environment
  const s = report.settings
  const tax = report.limit
  const lines = [
    `# Benchmark: each strategy against the physical limit`,
    '',
    ...(report.quick
      ? [
          `> **Smoke check** (\`--quick\`): ${s.rounds} rounds of ${s.duration} s per route, ${s.connections} connections, ${s.users} users. ` +
            'It proves that the bench runs end to end and that every route answered 2xx. Its figures are too few to conclude anything from, ' +
            'so the targets are listed but not judged. `pnpm bench` measures.',
          '',
        ]
      : []),
    `${report.date} · \`${report.command}\` · ${report.durationSeconds} s`,
    '',
    `Machine: ${env.cpuModel}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}; load average ${fixed(env.loadBefore, 2)} before, ${fixed(env.loadAfter, 2)} after.  `,
    `Node ${env.node} (V8 ${env.v8}, OpenSSL ${env.openssl}) · Fastify ${env.fastify} · Redis ${env.redis} · PostgreSQL ${env.postgres} (${env.postgresKind}) · loopback.  `,
    `Load: autocannon, ${s.connections} connections, no pipelining, ${s.duration} s per route and round, ${s.rounds} rounds after a warm-up (${s.warmup}), order reversed every other round; ` +
      `${s.users} users, each strategy's \`/me\` rotating through its own ${report.strategies[0]?.credentials ?? 0} credentials. Every response was 2xx.  `,
    `\`session-cached\` was measured on its **fresh** path: the API ran with SESSION_CACHE_TTL=${s.sessionCacheTtl} s, longer than the run, ` +
      'so every request was answered from its signed copy without the store, as its probe is. Its stale path (1 Redis GET, then a new copy) is not in these figures.',
    '',
    `![share of the physical limit](${svgFile})`,
    '',
    '## Against the physical limit',
    '',
    "A strategy's **physical limit** is a bare Fastify in a process of its own (no logger, no hooks) doing only the work the strategy cannot avoid, " +
      'with the same secret, claims and stores. **Share of the limit** = median over rounds of (route req/s ÷ its bare probe\'s req/s in the same round), with the range over rounds; ' +
      "**CPU share** = median of (bare probe CPU µs/req ÷ route CPU µs/req), each process's time on a CPU (every thread's /proc schedstat): what one saturated thread would give. " +
      'The targets are those of issue 14.',
    '',
    '| route | the limit does | share of the limit (range) | CPU share | its probe in the API: share | CPU µs/req: route / its probe in the API / bare probe | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    limitRow(report, tax.noAuth),
    ...tax.strategies.map((row) => limitRow(report, row)),
    // The load after the run is mostly the run's own (three processes on the cores): only the load before says what else ran.
    ...(env.loadBefore > env.cores
      ? [
          '',
          `The machine was busy (1-minute load average ${fixed(env.loadBefore, 1)} before, ${fixed(env.loadAfter, 1)} after, on ${env.cores} cores): ` +
            "throughput swung from round to round (see the ranges); the CPU share, each process's own time per request, is the steadier figure.",
        ]
      : []),
    '',
    `**The lab's platform tax: ${micros(tax.platformTaxMicros)} µs of CPU per request.** The API's no-auth baseline costs ${micros(report.baseline.cpuMicrosPerRequest)} µs, ` +
      `the bare one ${micros(report.bare.baseline.cpuMicrosPerRequest)} µs: what the API's root hooks and options add to every request, whatever the strategy. ` +
      "A strategy's CPU over its bare probe is this tax plus what the strategy's own code adds (below).",
    '',
    '## Inside the API',
    '',
    '**Ratio** = median over rounds of (route req/s ÷ the no-auth baseline req/s of the same process in the same round), with the range over rounds. ' +
      "Absolute req/s move with the machine's load; ratios measured within a round are the robust figure. " +
      "**CPU ratio** = median over rounds of (baseline CPU µs/req ÷ route CPU µs/req). Round trips are counted from each strategy's Server-Timing header.",
    '',
    '| route | work per request | ratio (range) | CPU ratio | req/s | p50 ms | p99 ms | CPU µs/req | round trips |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    targetRow(report.baseline),
    ...report.strategies.flatMap((strategy) => {
      const probe = find(report, strategy.probe)
      return probe ? [targetRow(strategy), targetRow(probe)] : [targetRow(strategy)]
    }),
    '',
    'The bare process, each route against its own baseline:',
    '',
    '| route | work per request | ratio (range) | CPU ratio | req/s | p50 ms | p99 ms | CPU µs/req | round trips |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    targetRow(report.bare.baseline),
    ...report.bare.probes.map(targetRow),
    '',
    '## What each strategy adds over the same work inside the API',
    '',
    '| strategy | its probe | strategy ÷ probe throughput | extra CPU µs/req over the probe |',
    '| --- | --- | --- | --- |',
    ...report.strategies.map((strategy) => {
      const probe = find(report, strategy.probe)
      if (!probe) return `| ${strategy.name} | | | |`
      return `| ${strategy.name} | ${probe.name} | ${ratio(strategy.ratio / probe.ratio)} | ${micros(strategy.cpuMicrosPerRequest - probe.cpuMicrosPerRequest)} |`
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
  const origin = report.origin
  if (origin) {
    const { sequential: seq, underLoad: load } = origin
    const verdict = origin.target.verdict === 'not judged' ? 'not judged (smoke check)' : origin.target.verdict
    lines.push(
      '',
      "## The web origin's added latency",
      '',
      `\`GET ${origin.path}\` through the web origin ${origin.origin} and directly from the API behind it, ${origin.api}: ` +
        `${seq.requests} sequential requests each way on one kept-alive connection, alternating; then ${load.connections} connections for ${load.duration} s, direct–origin–origin–direct. ` +
        'Latency from sending the request to the last byte of the answer, in the bench process.',
      '',
      '| | direct p50 / p99 / mean ms | through the origin p50 / p99 / mean ms | added p50 / p99 ms |',
      '| --- | --- | --- | --- |',
      `| sequential | ${ms(seq.direct.p50Ms)} / ${ms(seq.direct.p99Ms)} / ${ms(seq.direct.meanMs)} | ${ms(seq.origin.p50Ms)} / ${ms(seq.origin.p99Ms)} / ${ms(seq.origin.meanMs)} | ${signedMs(seq.addedP50Ms)} / ${signedMs(seq.addedP99Ms)} |`,
      `| under load (${rps(load.direct.rps)} vs ${rps(load.origin.rps)} req/s) | ${ms(load.direct.p50Ms)} / ${ms(load.direct.p99Ms)} / ${ms(load.direct.meanMs)} | ${ms(load.origin.p50Ms)} / ${ms(load.origin.p99Ms)} / ${ms(load.origin.meanMs)} | ${signedMs(load.addedP50Ms)} / ${signedMs(load.addedP99Ms)} |`,
      '',
      `Target (issue 14): the origin adds ≤ ${ms(origin.target.maxAddedP50Ms)} ms at p50 to a sequential call: ${verdict}.`,
    )
  }
  return lines.join('\n') + '\n'
}
