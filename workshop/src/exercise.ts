import assert, { AssertionError } from 'node:assert'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { inspect } from 'node:util'

/** One thing the participant's code must do, and where to look when it does not. */
export interface Check<Context> {
  /** what must happen, as a sentence a participant can read */
  name: string
  /** the function or idea to look at when it fails */
  lookAt: string
  /** the number of the hint in the exercise's HINTS.md that helps with this check */
  hint: number
  run(context: Context): Promise<void> | void
  timeoutMs?: number
}

/** An exercise's checker: what it loads from the participant's folder and the checks it runs. */
export interface Exercise<Context> {
  /** files the participant edits; the checker imports them from the folder it is given */
  files: string[]
  /** imports the participant's files from `dir` and opens whatever the checks share */
  setup(dir: string): Promise<Context>
  teardown?(context: Context): Promise<void>
  checks: Array<Check<Context>>
  /** facts measured on the participant's own code, shown once every check passes */
  insight?(context: Context): Promise<string[]>
}

export function defineExercise<Context>(exercise: Exercise<Context>): Exercise<Context> {
  return exercise
}

/** Imports one of the participant's files. */
export async function loadModule<T>(dir: string, file: string): Promise<T> {
  try {
    return (await import(pathToFileURL(join(dir, file)).href)) as T
  } catch (error) {
    throw new SetupError(`${file} does not load: ${(error as Error).message}`, { cause: error })
  }
}

/** The exercise could not even start (a file does not load, a store is unreachable). */
export class SetupError extends Error {
  override name = 'SetupError'
}

export interface CheckResult {
  name: string
  ok: boolean
  lookAt: string
  hint: number
  /** plain-words explanation of the failure */
  explanation?: string[]
}

export interface ExerciseReport {
  setupError?: string
  results: CheckResult[]
  insight: string[]
}

const show = (value: unknown) => inspect(value, { depth: 4, breakLength: 100, maxStringLength: 200 })

const isTodo = (error: unknown) => error instanceof Error && /^TODO\b/.test(error.message)

/**
 * Passes when `action` throws (the participant's code refused), except for a starter's TODO, which
 * is passed on so it reads as "not written yet" rather than as a refusal.
 */
export async function assertRefuses(action: () => unknown, message: string): Promise<void> {
  try {
    await action()
  } catch (error) {
    if (isTodo(error)) throw error
    return
  }
  assert.fail(message)
}

/** Says in plain words what went wrong: a TODO left, an expectation not met, or the participant's code throwing. */
export function explain(error: unknown, dir: string): string[] {
  if (!(error instanceof Error)) return [`Your code threw something that is not an Error: ${show(error)}`]
  // fast-check wraps the failure of a generated case: explain that failure, then name the case.
  if (error.message.startsWith('Property failed') && error.cause !== undefined) {
    const counterexample = /Counterexample: (.*)/.exec(error.message)?.[1]
    return [...explain(error.cause, dir), ...(counterexample ? [`  with the generated input: ${counterexample}`] : [])]
  }
  if (isTodo(error)) return [`Not written yet: ${error.message}`]
  if (error instanceof AssertionError) {
    const lines = [error.generatedMessage ? 'Not the expected result:' : (error.message.split('\n')[0] as string)]
    if (error.operator !== 'fail' && (error.actual !== undefined || error.expected !== undefined) && !(error.expected instanceof RegExp)) {
      lines.push(`  expected: ${show(error.expected)}`, `  got:      ${show(error.actual)}`)
    }
    return lines
  }
  const where = error.stack?.split('\n').find((line) => line.includes(dir))?.trim()
  return [`Your code threw ${error.name}: ${error.message}`, ...(where ? [`  ${where.replace(pathToFileURL(dir).href + '/', '')}`] : [])]
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AssertionError({ message: `"${name}" took longer than ${ms / 1000} s: is something waiting forever (a missing await, an unanswered request)?` })), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Runs every check of an exercise against the files in `dir`; never throws. */
export async function runExercise<Context>(exercise: Exercise<Context>, dir: string): Promise<ExerciseReport> {
  let context: Context
  try {
    context = await exercise.setup(dir)
  } catch (error) {
    return { setupError: error instanceof SetupError ? error.message : explain(error, dir).join('\n'), results: [], insight: [] }
  }
  const results: CheckResult[] = []
  try {
    for (const check of exercise.checks) {
      const base = { name: check.name, lookAt: check.lookAt, hint: check.hint }
      try {
        await withTimeout(Promise.resolve().then(() => check.run(context)), check.timeoutMs ?? 10_000, check.name)
        results.push({ ...base, ok: true })
      } catch (error) {
        results.push({ ...base, ok: false, explanation: explain(error, dir) })
      }
    }
    const insight = results.every((r) => r.ok) && exercise.insight ? await exercise.insight(context) : []
    return { results, insight }
  } finally {
    await exercise.teardown?.(context)
  }
}
