'use client'
import { useEffect, useRef, useState } from 'react'
import { PAGE_RUN, type BenchEvent, type BenchReport } from '@/lib/bench'
import { BenchExport } from './bench-export'
import { MachineLine, BenchTables } from './bench-report'
import { RatioChart, type Measurement } from './ratio-chart'

type Status = 'idle' | 'running' | 'done' | 'failed' | 'stopped'

/** Reads `event:`/`data:` blocks from a Server-Sent Events body (a POST, which EventSource cannot send). */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<BenchEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n')
      if (data) yield JSON.parse(data) as BenchEvent
    }
  }
}

/** Starts a short run on the server, follows its progress, then shows its report. */
export function BenchRunner({ unavailable }: { unavailable: string | null }) {
  const [status, setStatus] = useState<Status>('idle')
  const [phase, setPhase] = useState<string | null>(null)
  const [progress, setProgress] = useState({ step: 0, steps: 0 })
  const [measurements, setMeasurements] = useState<Measurement[]>([])
  const [report, setReport] = useState<BenchReport | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [imported, setImported] = useState(false)
  const abort = useRef<AbortController | null>(null)

  // Leaving the page ends the request, and the server stops the run.
  useEffect(() => () => abort.current?.abort(), [])

  async function start() {
    const controller = new AbortController()
    abort.current = controller
    setStatus('running')
    setPhase('starting')
    setProgress({ step: 0, steps: 0 })
    setMeasurements([])
    setReport(null)
    setImported(false)
    setProblem(null)
    try {
      const response = await fetch('/bench/run', { method: 'POST', signal: controller.signal, cache: 'no-store' })
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { message?: string } | null
        throw new Error(body?.message ?? `the server answered ${response.status}`)
      }
      let finished = false
      for await (const event of readEvents(response.body)) {
        if (event.type === 'phase') setPhase(event.message)
        else if (event.type === 'measurement') {
          setProgress({ step: event.step, steps: event.steps })
          setMeasurements((previous) => [...previous, { round: event.round, target: event.target, rps: event.rps }])
        } else if (event.type === 'report') {
          setReport(event.report)
          finished = true
        } else if (event.type === 'error') throw new Error(event.message)
      }
      if (!finished) throw new Error('the run ended without a report')
      setStatus('done')
    } catch (error) {
      if (controller.signal.aborted) setStatus('stopped')
      else {
        setProblem((error as Error).message)
        setStatus('failed')
      }
    } finally {
      abort.current = null
    }
  }

  const running = status === 'running'
  const percent = progress.steps ? Math.round((100 * progress.step) / progress.steps) : 0
  return (
    <section className="panel bench" aria-labelledby="bench-run-title" data-testid="bench-run" data-status={status}>
      <h2 id="bench-run-title">A short run, here and now</h2>
      <p className="muted">
        {PAGE_RUN.rounds} rounds of {PAGE_RUN.duration} s per route after a warm-up, {PAGE_RUN.users} users, no login storm: about 70 s of
        load on this machine, in a process of its own (the bench forks the built API with its real Redis and Postgres). Too short for
        conclusions; the full run below is the reference.
      </p>
      <div className="actions">
        <button type="button" className="big" onClick={start} disabled={running || unavailable !== null} data-testid="bench-start">
          {running ? 'Running…' : status === 'idle' ? 'Start' : 'Run again'}
        </button>
        {running ? (
          <button type="button" className="quiet" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : null}
        {unavailable ? <span className="muted">{unavailable}</span> : null}
      </div>
      {status !== 'idle' ? (
        <div className="bench-progress-row">
          <div
            className="bench-progress"
            role="progressbar"
            aria-label="Routes measured"
            aria-valuemin={0}
            aria-valuemax={progress.steps || 1}
            aria-valuenow={progress.step}
            aria-valuetext={progress.steps ? `${progress.step} of ${progress.steps} measurements` : 'preparing'}
            data-testid="bench-progress"
          >
            <div className="bench-progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <span className="bench-progress-text" role="status">
            {[progress.steps ? `${progress.step} / ${progress.steps} measured` : null, running ? phase : status === 'stopped' ? 'stopped' : null]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </div>
      ) : null}
      {problem ? (
        <p className="problem" role="alert" data-testid="bench-problem">
          {problem}
        </p>
      ) : null}
      {status !== 'idle' ? <RatioChart measurements={measurements} /> : null}
      <BenchExport
        report={running ? null : report}
        pageRun={!imported}
        onImport={(imported) => {
          setReport(imported)
          setImported(true)
        }}
      />
      {report ? (
        <div data-testid="bench-report-run" data-imported={imported}>
          <h3>{imported ? 'An imported run' : 'This run'}</h3>
          <MachineLine report={report} />
          <BenchTables report={report} judged={false} name={imported ? 'the imported run' : 'this run'} />
        </div>
      ) : null}
    </section>
  )
}
