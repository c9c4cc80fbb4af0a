'use client'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { StrategyName } from '@lab/contracts'
import type { ApiCall } from '@/lib/api'
import type { Actor } from '@/lib/outcome'
import { OutcomeLegend } from '@/components/outcome'
import { RequestRow } from '@/components/request-row'
import { STEPS } from './steps'

interface StepRun {
  calls: Array<{ label: string; call: ApiCall; actor: Actor | undefined }>
  lines: string[]
}

const stepFromHash = () => {
  const n = Number(/^#step-(\d+)$/.exec(window.location.hash)?.[1])
  return Number.isInteger(n) && n >= 1 && n <= STEPS.length ? n - 1 : 0
}

/** Next/previous through the steps (buttons, arrow keys or a clicker's Page keys), each with its action and its live timeline. */
export function Presenter() {
  const [current, setCurrent] = useState(0)
  const [runs, setRuns] = useState<Record<number, StepRun>>({})
  const [busy, setBusy] = useState(false)
  const tokens = useRef<Partial<Record<StrategyName, string>>>({})
  const timeline = useRef<HTMLOListElement>(null)

  const go = useCallback((index: number) => {
    const next = Math.max(0, Math.min(STEPS.length - 1, index))
    setCurrent(next)
    window.history.replaceState(null, '', `#step-${next + 1}`)
  }, [])

  useEffect(() => setCurrent(stepFromHash()), [])
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.altKey || event.metaKey || event.ctrlKey) return
      if (event.key === 'ArrowRight' || event.key === 'PageDown') go(current + 1)
      if (event.key === 'ArrowLeft' || event.key === 'PageUp') go(current - 1)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [current, go])

  const step = STEPS[current] ?? STEPS[0]
  const run = runs[current]
  // The newest request in view, as devtools follows the network log: on a projector the timeline scrolls.
  const shown = run?.calls.length ?? 0
  useEffect(() => {
    const list = timeline.current
    if (list && shown > 0) list.scrollTop = list.scrollHeight
  }, [shown])
  if (!step) return null

  async function act() {
    const index = current
    setBusy(true)
    setRuns((previous) => ({ ...previous, [index]: { calls: [], lines: [] } }))
    const update = (change: (run: StepRun) => StepRun) =>
      setRuns((previous) => ({ ...previous, [index]: change(previous[index] ?? { calls: [], lines: [] }) }))
    try {
      await STEPS[index]?.run({
        tokens: tokens.current,
        log: (label, call, actor) => {
          update((r) => ({ ...r, calls: [...r.calls, { label, call, actor }] }))
          return call
        },
        say: (line) => update((r) => ({ ...r, lines: [...r.lines, line] })),
      })
    } catch (error) {
      update((r) => ({ ...r, lines: [...r.lines, `Failed: ${(error as Error).message}`] }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="workshop">
      <section className="panel workshop-step" aria-labelledby="step-title" data-testid="presenter" data-step={current + 1}>
        <div className="pane-header">
          <span className="muted">
            Step {current + 1} of {STEPS.length}
          </span>
          <div className="actions">
            <button type="button" className="quiet" onClick={() => go(current - 1)} disabled={current === 0} data-testid="previous-step">
              ← Previous
            </button>
            <button type="button" className="quiet" onClick={() => go(current + 1)} disabled={current === STEPS.length - 1} data-testid="next-step">
              Next →
            </button>
          </div>
        </div>
        <h2 id="step-title">{step.title}</h2>
        <p>{step.concept}</p>
        <div className="actions">
          <button type="button" className="big" onClick={act} disabled={busy} data-testid="step-action">
            {busy ? 'Running…' : step.action}
          </button>
          <span className="muted">Look at {step.lookFor}</span>
        </div>
        {run?.lines.map((line) => (
          <p key={line} className="verdict-line" data-testid="step-line">
            {line}
          </p>
        ))}
        {run && run.calls.length > 0 && (
          <>
            <OutcomeLegend show={['neutral', 'safe', 'danger']} />
            <ol ref={timeline} className="timeline" aria-label="requests of this step" data-testid="step-timeline" tabIndex={0}>
              {run.calls.map(({ label, call, actor }) => (
                <RequestRow key={call.id} call={call} label={label} actor={actor} />
              ))}
            </ol>
          </>
        )}
      </section>
      <nav aria-label="All steps" className="panel workshop-steps">
        <ol>
          {STEPS.map((s, index) => (
            <li key={s.title}>
              <button type="button" className="quiet" aria-current={index === current ? 'step' : undefined} onClick={() => go(index)}>
                {s.title}
              </button>
            </li>
          ))}
        </ol>
      </nav>
    </div>
  )
}
