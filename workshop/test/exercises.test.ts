import assert from 'node:assert/strict'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runExercise, type ExerciseReport } from '../src/exercise.ts'
import { listExercises, loadChecker, type ExerciseEntry } from '../src/exercises.ts'

// The proof that every exercise is solvable (its reference solution passes every check) and
// meaningful (the untouched starter fails). Both run on copies, so the repository's starter files,
// which participants edit, are never touched.

async function workspace(t: { after(fn: () => Promise<void>): void }, entry: ExerciseEntry, files: string[], from: 'starter' | 'solution') {
  const dir = await mkdtemp(join(tmpdir(), `workshop-${entry.slug}-${from}-`))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const source = from === 'solution' ? join(entry.dir, 'solution') : entry.dir
  for (const file of files) await copyFile(join(source, file), join(dir, file))
  return dir
}

const failing = (report: ExerciseReport) => report.results.filter((r) => !r.ok)

const exercises = await listExercises()

test('the exercises are numbered 1, 2, 3… without gaps', () => {
  assert.deepEqual(exercises.map((e) => e.number), exercises.map((_, i) => i + 1))
  assert.ok(exercises.length >= 8)
})

for (const entry of exercises) {
  test(`${entry.title}: the reference solution passes every check`, async (t) => {
    const exercise = await loadChecker(entry)
    const report = await runExercise(exercise, await workspace(t, entry, exercise.files, 'solution'))
    assert.equal(report.setupError, undefined)
    assert.ok(report.results.length >= 3, 'an exercise checks at least three things')
    assert.deepEqual(failing(report).map((r) => [r.name, ...(r.explanation ?? [])]), [])
  })

  test(`${entry.title}: the untouched starter fails, and says which part is not written yet`, async (t) => {
    const exercise = await loadChecker(entry)
    const report = await runExercise(exercise, await workspace(t, entry, exercise.files, 'starter'))
    assert.equal(report.setupError, undefined, 'the starter loads: only its TODOs are missing')
    assert.ok(failing(report).length > 0, 'the starter passes every check')
    assert.ok(
      failing(report).some((r) => r.explanation?.some((line) => line.startsWith('Not written yet: TODO'))),
      'a failure points at a TODO of the starter',
    )
  })
}
